/** The benchmark harness's own logic (tests/bench runs only with `npm run bench`): how it decides a target. */
import { describe, expect, it } from 'vitest';
import { EVENT_LOOP_LIMIT_MS, LINEAR_SLACK, eventLoopCheck, idleMemoryCheck, linearGrowth, type TargetCheck } from '../bench/report.mjs';
import { oursStages } from '../bench/tools.mjs';

const cellsWith = (seconds: number, failures = 0): unknown => ({ 'no-change': { ours: { seconds, failures } } });
const run = (files: number, seconds: number): unknown => ({ config: { files }, cells: cellsWith(seconds) });
const check = (cells: unknown, files: number, baseline?: unknown): TargetCheck => linearGrowth(cells, { files }, baseline);

describe('bench report: linear growth of the no-change run', () => {
  it('passes up to the slack over the files ratio, fails past it', () => {
    const baseline = run(100_000, 0.8);
    expect(check(cellsWith(6.28), 1_000_000, baseline)).toMatchObject({ pass: true, measured: expect.stringContaining('7.8 × for 10.0 × the files') });
    expect(check(cellsWith(0.8 * 10 * LINEAR_SLACK), 1_000_000, baseline).pass).toBe(true);
    expect(check(cellsWith(0.8 * 10 * LINEAR_SLACK + 0.01), 1_000_000, baseline).pass).toBe(false);
  });

  it('decides nothing without a smaller baseline, or when this run failed', () => {
    expect(check(cellsWith(6), 1_000_000)).toMatchObject({ pass: null, measured: expect.stringContaining('--baseline') });
    expect(check(cellsWith(6), 100_000, run(1_000_000, 6)).pass).toBeNull();
    expect(check(cellsWith(6), 1_000_000, { config: { files: 100_000 }, cells: {} }).pass).toBeNull();
    expect(check(cellsWith(6, 1), 1_000_000, run(100_000, 0.8)).pass).toBeNull();
  });
});

describe('bench report: the event loop of the process hosting the engine', () => {
  it('passes when every scenario stayed within the limit, names the longest block', () => {
    expect(eventLoopCheck({ initial: 7, 'no-change': 4 })).toMatchObject({ pass: true, measured: 'longest 7 ms (initial 7 ms, no-change 4 ms)' });
    expect(eventLoopCheck({ initial: EVENT_LOOP_LIMIT_MS }).pass).toBe(true);
    expect(eventLoopCheck({ initial: 3, 'no-change': EVENT_LOOP_LIMIT_MS + 1 }).pass).toBe(false);
  });

  it('decides nothing when it was not measured', () => {
    expect(eventLoopCheck(undefined).pass).toBeNull();
    expect(eventLoopCheck({}).pass).toBeNull();
  });
});

describe('idle memory', () => {
  const MiB = 1024 * 1024;
  it('passes within 20 MiB of the pre-run RSS, fails past it', () => {
    expect(idleMemoryCheck({ beforeBytes: 100 * MiB, peakBytes: 400 * MiB, afterBytes: 119 * MiB, settleSeconds: 5 }).pass).toBe(true);
    expect(idleMemoryCheck({ beforeBytes: 100 * MiB, peakBytes: 400 * MiB, afterBytes: 121 * MiB, settleSeconds: 5 }).pass).toBe(false);
    expect(idleMemoryCheck(undefined).pass).toBe(null);
  });
});

describe('our stage times', () => {
  it('are read from the --stats line, whatever unit each stage is shown in', () => {
    const out = 'summary done in 2 s: …\nstats   time per stage: scan source 96 ms, scan replica 2 ms, load record 1 ms, triage 0 ms, plan 4 ms, execute 5.2 s, save record 1 min 3 s\n';
    expect(oursStages(out)).toEqual({ scanSource: 96, scanReplica: 2, loadRecord: 1, triage: 0, plan: 4, execute: 5200, saveRecord: 63_000 });
    expect(oursStages('summary done\n')).toBe(null);
  });
});
