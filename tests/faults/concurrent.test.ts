/** Concurrent edits (heavy): 12 rounds of five large files, each raced by an edit while a child run copies it. */
import { describe, expect, it } from 'vitest';
import { raceRounds } from '../helpers/fault-edits.js';

const ROUNDS = Number(process.env.FAULT_RACE_ROUNDS ?? 12);

describe('concurrent edits (heavy)', () => {
  it(`${ROUNDS} rounds of append, truncate, rename, delete and mtime-preserving splices during the copy`, async () => {
    const stats = await raceRounds({ rounds: ROUNDS, bytes: 48 << 20 });
    console.log(JSON.stringify(stats));
    expect(stats.applied).toBeGreaterThanOrEqual(stats.edits * 0.8);
  }, 1_800_000);
});
