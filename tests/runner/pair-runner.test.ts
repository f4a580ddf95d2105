/**
 * The pair runner both front ends share: one run at a time whoever asks, runs off the schedule, stop waiting for
 * the run going on, the wait for an unplugged drive only while on the schedule, and a failed watcher reported once.
 * The runs are stand-ins that resolve when the test says: what is tested is the scheduling, not the engine.
 */
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../main/engine/index.js';
import { PairRunner, type PairRunnerOptions } from '../../main/runner/pair-runner.js';
import type { ChangeWatcher, WatchOptions } from '../../main/runner/watch.js';
import { ManualClock } from '../helpers/manual-clock.js';

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function summary(extra: Partial<RunSummary> = {}): RunSummary {
  return {
    status: 'ok', copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0, skipped: 0, unrepresentable: 0,
    errors: 0, failures: [], undone: 0, aborted: false, bytesCopied: 0, durationMs: 1, dryRun: false, ...extra,
  };
}

const unplugged = summary({
  status: 'refused',
  refusal: { reason: 'replica-not-connected', message: 'not connected', waitFor: { path: '/media/x/rep', mountPoint: '/media/x' } },
});

/** Runs that stay open until released, counting how many go at once. */
function gatedRuns(outcome: () => RunSummary | undefined = () => summary()) {
  const gates: Array<() => void> = [];
  let active = 0;
  let maxActive = 0;
  let started = 0;
  const sync: PairRunnerOptions['sync'] = async () => {
    started += 1;
    active += 1;
    maxActive = Math.max(maxActive, active);
    await new Promise<void>((resolve) => gates.push(resolve));
    active -= 1;
    return outcome();
  };
  return {
    sync,
    release: async () => {
      for (let i = 0; i < 20 && gates.length === 0; i += 1) await settle();
      gates.shift()?.();
      await settle();
      await settle();
    },
    started: () => started,
    maxActive: () => maxActive,
  };
}

function driveWaits() {
  const waits: Array<{ mountPoint: string; back: () => void; stopped: boolean }> = [];
  const factory: NonNullable<PairRunnerOptions['waitForDrive']> = (_target, mountPoint, onBack) => {
    const wait = { mountPoint, back: onBack, stopped: false };
    waits.push(wait);
    return { stop: () => void (wait.stopped = true) };
  };
  return { waits, factory };
}

describe('PairRunner', () => {
  it('never has two runs at once: sync-now bursts during a run are one more run, not five', async () => {
    const clock = new ManualClock();
    const runs = gatedRuns();
    const runner = new PairRunner({ intervalMs: 60_000, sync: runs.sync, clock });
    void runner.start();
    await settle();
    expect(runner.running).toBe(true);
    for (let i = 0; i < 5; i += 1) runner.syncSoon();
    expect(runner.runNow()).toBe(runner.currentRun);
    await runs.release();
    await runs.release();
    expect(runs.started()).toBe(2);
    expect(runs.maxActive()).toBe(1);
    expect(runner.nextRunAt).toBe(60_000);
    await clock.advance(60_000);
    expect(runs.started()).toBe(3);
    const stopping = runner.stop();
    await runs.release();
    await stopping;
    expect(runner.scheduled).toBe(false);
    expect(runner.nextRunAt).toBeUndefined();
  });

  it('off the schedule, sync-soon is one run at once; stop() waits for it; start() after stop() schedules again', async () => {
    const clock = new ManualClock();
    const runs = gatedRuns();
    const runner = new PairRunner({ intervalMs: 1000, sync: runs.sync, clock });
    runner.syncSoon();
    runner.syncSoon();
    await settle();
    expect(runs.started()).toBe(1);
    let stopped = false;
    const stopping = runner.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await runs.release();
    await stopping;
    expect(stopped).toBe(true);
    void runner.start();
    await settle();
    expect(runs.started()).toBe(2);
    await runs.release();
    await clock.advance(1000);
    expect(runs.started()).toBe(3);
    const again = runner.stop();
    await runs.release();
    await again;
  });

  it('a run refused for an unplugged drive on the schedule waits for the drive and runs when it is back; off the schedule it starts no wait', async () => {
    const clock = new ManualClock();
    let next: RunSummary = unplugged;
    const runs = gatedRuns(() => next);
    const drives = driveWaits();
    const told: string[] = [];
    const runner = new PairRunner({
      intervalMs: 3_600_000,
      sync: runs.sync,
      clock,
      waitForDrive: drives.factory,
      hooks: { waitingForDrive: (m) => told.push(`waiting ${m}`), driveBack: (m) => told.push(`back ${m}`) },
    });
    runner.syncSoon(); // one-off: no wait
    await runs.release();
    expect(drives.waits).toHaveLength(0);
    void runner.start();
    await runs.release();
    expect(drives.waits).toHaveLength(1);
    // Another refusal while still waiting starts no second wait.
    runner.syncSoon();
    await runs.release();
    expect(drives.waits).toHaveLength(1);
    next = summary();
    drives.waits[0]!.back();
    await settle();
    expect(runs.started()).toBe(4);
    await runs.release();
    expect(told).toEqual(['waiting /media/x', 'back /media/x']);
    // A refusal then stop(): the wait stops with the schedule.
    next = unplugged;
    runner.syncSoon();
    await runs.release();
    expect(drives.waits).toHaveLength(2);
    await runner.stop();
    expect(drives.waits[1]!.stopped).toBe(true);
  });

  it('a watcher that fails is reported once and closed; its quiet batches ask for early runs while it works', async () => {
    const clock = new ManualClock();
    const runs = gatedRuns();
    let options: WatchOptions | undefined;
    let closed = 0;
    const create = (o: WatchOptions): ChangeWatcher => {
      options = o;
      return { ready: Promise.resolve(), close: async () => void (closed += 1) };
    };
    const failures: Error[] = [];
    const runner = new PairRunner({
      intervalMs: 3_600_000,
      sync: runs.sync,
      clock,
      watch: { root: '/src', excludes: [], quietMs: 10, create },
      hooks: { watcherFailed: (e) => failures.push(e) },
    });
    void runner.start();
    await runs.release();
    options!.onQuiet();
    await settle();
    expect(runs.started()).toBe(2);
    await runs.release();
    options!.onError(new Error('ENOSPC'));
    expect(failures.map((e) => e.message)).toEqual(['ENOSPC']);
    expect(closed).toBe(1);
    await runner.stop();
    expect(closed).toBe(1);
  });

  it('a watcher that throws while being set up falls back the same way', async () => {
    const failures: Error[] = [];
    const runs = gatedRuns();
    const runner = new PairRunner({
      intervalMs: 3_600_000,
      sync: runs.sync,
      clock: new ManualClock(),
      watch: { root: '/missing', excludes: [], quietMs: 10, create: () => { throw new Error('no such folder'); } },
      hooks: { watcherFailed: (e) => failures.push(e) },
    });
    void runner.start();
    await runs.release();
    expect(failures).toHaveLength(1);
    await runner.stop();
  });

  it('abortRun() aborts the signal of the run going on, and the next run gets a fresh one', async () => {
    const signals: AbortSignal[] = [];
    let release = (): void => {};
    const runner = new PairRunner({
      intervalMs: 1000,
      clock: new ManualClock(),
      sync: async (signal) => {
        signals.push(signal);
        await new Promise<void>((r) => (release = r));
        return summary();
      },
    });
    const first = runner.runNow();
    runner.abortRun();
    release();
    await first;
    const second = runner.runNow();
    await settle();
    release();
    await second;
    expect(signals.map((s) => s.aborted)).toEqual([true, false]);
  });
});
