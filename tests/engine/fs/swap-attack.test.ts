/**
 * The symlink-swap attack on the replica and on the source (tests/helpers/swap-attack.ts): 12 raced runs as a
 * sample, 300 when FOLDER_SYNC_FAULTS=heavy (FAULT_SWAP_ROUNDS sets the count). Both file-access backends are
 * exercised by CI's two passes (FOLDER_SYNC_NATIVE=1 and 0).
 */
import { describe, expect, it } from 'vitest';
import { unprivilegedSupportMissing } from '../../helpers/fault-perms.js';
import { sized, sizedCount } from '../../helpers/fault-size.js';
import { sourceSwapAttack, swapAttack } from '../../helpers/swap-attack.js';

const ROUNDS = sizedCount('FAULT_SWAP_ROUNDS', { sample: 12, heavy: 300 });
const TIMEOUT = sized({ sample: 300_000, heavy: 1_800_000 });

describe.skipIf(unprivilegedSupportMissing() !== undefined)('a replica folder swapped for a symlink during runs, as root', () => {
  it(`leaves the decoy outside untouched over ${ROUNDS} runs raced by an unprivileged swapper, then converges`, async () => {
    const outcome = await swapAttack(ROUNDS);
    console.log(`swap attack: ${JSON.stringify(outcome)}`);
    // The swapper flips the folder dozens of times a run: fewer would mean the runs were hardly raced at all.
    expect(outcome.swaps).toBeGreaterThan(ROUNDS * 5);
  }, TIMEOUT);

  it(`never follows a source folder swapped for a link to root-only files, over ${ROUNDS} runs`, async () => {
    const outcome = await sourceSwapAttack(ROUNDS);
    console.log(`source swap attack: ${JSON.stringify(outcome)}`);
    expect(outcome.swaps).toBeGreaterThan(ROUNDS);
  }, TIMEOUT);
});
