/**
 * Long running (heavy): the periodic loop for thousands of runs over a small churning source (1 ms interval:
 * back to back), then a slower loop whose runs fit their interval, to see whether the schedule drifts.
 */
import { describe, expect, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { growth, runLoop } from '../helpers/fault-loop.js';

const RUNS = Number(process.env.FAULT_LOOP_RUNS ?? 3000);

describe('long running (heavy)', () => {
  it(`${RUNS} runs back to back: no growth in heap, RSS or open descriptors`, () => {
    assertEngineBuilt();
    const report = runLoop(RUNS, 1);
    const g = growth(report);
    console.log(JSON.stringify({ runs: report.runs, failures: report.failures, ...g, samples: report.samples.map((s) => [s.run, s.heap, s.rss, s.fds]) }));
    expect(report.runs).toBe(RUNS);
    expect(report.failures).toBe(0);
    expect(g.fds).toBe(0);
    expect(g.heap).toBeLessThan(2 << 20);
    expect(g.rss).toBeLessThan(32 << 20);
  });

  it('runs that fit their interval start on time, and lateness does not grow', () => {
    assertEngineBuilt();
    const report = runLoop(200, 250);
    const g = growth(report);
    const total = report.lateness.reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({ lateEarly: g.lateEarly, lateLate: g.lateLate, sumOfLatenessMs: total, maxLateMs: Math.max(...report.lateness) }));
    expect(g.lateLate).toBeLessThan(g.lateEarly + 5);
    // Lateness is measured against the schedule (first start + n × interval): a late timer does not push the later
    // runs back, so it never adds up, and no run starts before its time.
    expect(Math.min(...report.lateness)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...report.lateness)).toBeLessThan(100);
  });
});
