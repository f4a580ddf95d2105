/** Long running, bounded sample (heavy: tests/faults/long-running.test.ts): the loop leaks no descriptors. */
import { describe, expect, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { growth, runLoop } from '../helpers/fault-loop.js';

describe('long running (sample)', () => {
  it('60 runs back to back over a churning source: every run ok, no descriptor or heap growth', () => {
    assertEngineBuilt();
    const report = runLoop(60, 1);
    const g = growth(report);
    expect(report.runs).toBe(60);
    expect(report.failures).toBe(0);
    expect(g.fds).toBe(0);
    expect(g.heap).toBeLessThan(4 << 20);
  }, 60_000);
});
