/**
 * Long running: the periodic loop back to back (1 ms interval) over a small churning source, 60 runs as a sample
 * and 3000 when FOLDER_SYNC_FAULTS=heavy (FAULT_LOOP_RUNS sets the count): no growth in heap, RSS or open
 * descriptors. Heavy only: a slower loop whose runs fit their interval, to see whether the schedule drifts.
 */
import { describe, expect, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { growth, runLoop } from '../helpers/fault-loop.js';
import { heavy, reportHeavy, sized, sizedCount } from '../helpers/fault-size.js';

const RUNS = sizedCount('FAULT_LOOP_RUNS', { sample: 60, heavy: 3000 });

describe('long running', () => {
  it(`${RUNS} runs back to back over a churning source: every run ok, no growth in heap, RSS or open descriptors`, () => {
    assertEngineBuilt();
    const report = runLoop(RUNS, 1);
    const g = growth(report);
    reportHeavy('long running', { runs: report.runs, failures: report.failures, ...g, samples: report.samples.map((s) => [s.run, s.heap, s.rss, s.fds]) });
    expect(report.runs).toBe(RUNS);
    expect(report.failures).toBe(0);
    expect(g.fds).toBe(0);
    // Over a few runs the heap still settles; over thousands any leak would have added up past this.
    expect(g.heap).toBeLessThan(sized({ sample: 4 << 20, heavy: 2 << 20 }));
    expect(g.rss).toBeLessThan(32 << 20);
  }, sized({ sample: 60_000, heavy: 900_000 }));

  // Heavy only: 50 s of mostly idle waiting, and its millisecond bounds assume the machine is not shared with the
  // other test files, as it is not under vitest.faults.config.ts (one file at a time).
  it.skipIf(!heavy)('runs that fit their interval start on time, and lateness does not grow', () => {
    assertEngineBuilt();
    const report = runLoop(200, 250);
    const g = growth(report);
    const total = report.lateness.reduce((a, b) => a + b, 0);
    reportHeavy('schedule', { lateEarly: g.lateEarly, lateLate: g.lateLate, sumOfLatenessMs: total, maxLateMs: Math.max(...report.lateness) });
    expect(g.lateLate).toBeLessThan(g.lateEarly + 5);
    // Lateness is measured against the schedule (first start + n × interval): a late timer does not push the later
    // runs back, so it never adds up, and no run starts before its time.
    expect(Math.min(...report.lateness)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...report.lateness)).toBeLessThan(100);
  }, 900_000);
});
