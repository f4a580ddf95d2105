/** The symlink-swap attack (heavy): hundreds of raced runs; the bounded sample is tests/engine/fs/swap-attack.test.ts. */
import { describe, expect, it } from 'vitest';
import { unprivilegedSupportMissing } from '../helpers/fault-perms.js';
import { sourceSwapAttack, swapAttack } from '../helpers/swap-attack.js';

const ROUNDS = Number(process.env.FAULT_SWAP_ROUNDS ?? 300);

describe.skipIf(unprivilegedSupportMissing() !== undefined)('a replica folder swapped for a symlink during runs, as root (heavy)', () => {
  it(`leaves the decoy outside untouched over ${ROUNDS} raced runs, then converges`, async () => {
    const outcome = await swapAttack(ROUNDS);
    console.log(`swap attack: ${JSON.stringify(outcome)}`);
    expect(outcome.swaps).toBeGreaterThan(ROUNDS * 5);
  }, 1_800_000);

  it(`never follows a source folder swapped for a link, over ${ROUNDS} raced runs`, async () => {
    const outcome = await sourceSwapAttack(ROUNDS);
    console.log(`source swap attack: ${JSON.stringify(outcome)}`);
    expect(outcome.swaps).toBeGreaterThan(ROUNDS);
  }, 1_800_000);
});
