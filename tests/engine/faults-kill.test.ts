/**
 * Kill anywhere, bounded sample (the heavy run with 60 kill points is tests/faults/kill.test.ts): SIGKILL at a
 * random moment, after a share of the planned actions, in the record write, and a few ms into the copies.
 */
import { describe, expect, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { killCases } from '../helpers/fault-kill.js';

describe('kill anywhere (sample)', () => {
  it('a SIGKILLed run loses nothing: the next run converges, nothing partial is ever visible', async () => {
    assertEngineBuilt();
    const stats = await killCases({
      seed: 11,
      cases: 6,
      shape: { folders: 12, smallFiles: 300, largeFiles: 2, largeBytes: 6 << 20 },
      churn: 30,
    });
    expect(stats.cases).toBe(6);
    // Cases 2 and 6 die inside the record write (at its open, then its write).
    expect(stats.byPhase.record).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
