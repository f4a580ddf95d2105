/**
 * Kill anywhere (heavy): 80 SIGKILLs over a tree of 2000 small and three 24 MiB files with pending renames,
 * a folder move, deletions, new versions and mode changes; see tests/helpers/fault-kill.ts for the checks.
 * FAULT_SEED and FAULT_KILL_CASES change the seed and the number of cases.
 */
import { describe, expect, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { killCases } from '../helpers/fault-kill.js';

const CASES = Number(process.env.FAULT_KILL_CASES ?? 80);

describe('kill anywhere (heavy)', () => {
  it(`survives SIGKILL at ${CASES} points across scan, copy, move, delete and the record write`, async () => {
    assertEngineBuilt();
    const stats = await killCases({
      seed: Number(process.env.FAULT_SEED ?? 5),
      cases: CASES,
      shape: { folders: 40, smallFiles: 2000, largeFiles: 3, largeBytes: 24 << 20 },
      churn: 120,
    });
    console.log(JSON.stringify({ ...stats, stateLeftovers: stats.stateLeftovers.length }));
    expect(stats.cases).toBe(CASES);
    const phase = (name: string): number => stats.byPhase[name] ?? 0;
    expect(phase('record')).toBeGreaterThanOrEqual(Math.floor(CASES / 8));
    expect(phase('op:copy') + phase('op:update')).toBeGreaterThanOrEqual(Math.floor(CASES / 10));
  }, 1_800_000);
});
