/**
 * The symlink-swap attack on the replica (tests/helpers/swap-attack.ts), a bounded sample: `npm run test:faults`
 * runs it for hundreds of rounds (tests/faults/swap-attack.test.ts). Both file-access backends are exercised by
 * CI's two passes (FOLDER_SYNC_NATIVE=1 and 0).
 */
import { describe, expect, it } from 'vitest';
import { unprivilegedSupportMissing } from '../../helpers/fault-perms.js';
import { sourceSwapAttack, swapAttack } from '../../helpers/swap-attack.js';

const ROUNDS = Number(process.env.FAULT_SWAP_ROUNDS ?? 12);

describe.skipIf(unprivilegedSupportMissing() !== undefined)('a replica folder swapped for a symlink during runs, as root', () => {
  it(`leaves the decoy outside untouched over ${ROUNDS} runs raced by an unprivileged swapper, then converges`, async () => {
    const outcome = await swapAttack(ROUNDS);
    console.log(`swap attack: ${JSON.stringify(outcome)}`);
    expect(outcome.swaps).toBeGreaterThan(ROUNDS);
  }, 300_000);

  it(`never follows a source folder swapped for a link to root-only files, over ${ROUNDS} runs`, async () => {
    const outcome = await sourceSwapAttack(ROUNDS);
    console.log(`source swap attack: ${JSON.stringify(outcome)}`);
    expect(outcome.swaps).toBeGreaterThan(ROUNDS);
  }, 300_000);
});
