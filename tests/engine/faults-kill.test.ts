/**
 * Kill anywhere: SIGKILL at a random moment, after a share of the planned actions, in the record write, and a few
 * ms into the copies, over a tree with pending renames, a folder move, deletions, new versions and mode changes;
 * see tests/helpers/fault-kill.ts for the checks. Sample: 6 kills over 300 small and two 6 MiB files; heavy
 * (FOLDER_SYNC_FAULTS=heavy): 80 kills over 2000 small and three 24 MiB files. FAULT_SEED and FAULT_KILL_CASES
 * change the seed and the number of cases.
 */
import { describe, expect, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { killCases } from '../helpers/fault-kill.js';
import { faultSeed, reportHeavy, sized, sizedCount } from '../helpers/fault-size.js';

const CASES = sizedCount('FAULT_KILL_CASES', { sample: 6, heavy: 80 });

describe('kill anywhere', () => {
  it(`survives SIGKILL at ${CASES} points across scan, copy, move, delete and the record write: the next run converges, nothing partial is ever visible`, async () => {
    assertEngineBuilt();
    const stats = await killCases({
      seed: faultSeed ?? sized({ sample: 11, heavy: 5 }),
      cases: CASES,
      shape: sized({
        sample: { folders: 12, smallFiles: 300, largeFiles: 2, largeBytes: 6 << 20 },
        heavy: { folders: 40, smallFiles: 2000, largeFiles: 3, largeBytes: 24 << 20 },
      }),
      churn: sized({ sample: 30, heavy: 120 }),
    });
    reportHeavy('kill anywhere', { ...stats, stateLeftovers: stats.stateLeftovers.length });
    expect(stats.cases).toBe(CASES);
    const phase = (name: string): number => stats.byPhase[name] ?? 0;
    // Every fourth case (the third, the seventh, …) dies inside the record write, at one of its steps in turn.
    expect(phase('record')).toBeGreaterThanOrEqual(Math.max(CASES >= 3 ? 1 : 0, Math.floor(CASES / 8)));
    expect(phase('op:copy') + phase('op:update')).toBeGreaterThanOrEqual(Math.floor(CASES / 10));
  }, sized({ sample: 120_000, heavy: 1_800_000 }));
});
