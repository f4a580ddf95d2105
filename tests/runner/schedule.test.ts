import { describe, expect, it } from 'vitest';
import { PeriodicLoop, WALL_CHECK_MS, type Clock } from '../../main/runner/schedule.js';

/** A virtual clock: runs take virtual time, and every timer fires `lateMs` after it was due (real timers do). */
class VirtualClock implements Clock {
  time = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  constructor(private readonly lateMs = 0) {}

  now(): number {
    return this.time;
  }

  sleep(ms: number): { readonly done: Promise<void>; wake(): void } {
    let resolve = (): void => {};
    const done = new Promise<void>((r) => (resolve = r));
    const timer = { at: this.time + ms + this.lateMs, resolve };
    this.timers.push(timer);
    return { done, wake: () => ((this.timers = this.timers.filter((t) => t !== timer)), resolve()) };
  }

  /** Fires the next timer, moving time to it. */
  async fireNext(): Promise<void> {
    for (let i = 0; i < 50 && this.timers.length === 0; i += 1) await settle();
    const next = this.timers.sort((a, b) => a.at - b.at).shift();
    if (next === undefined) throw new Error('no timer pending');
    this.time = Math.max(this.time, next.at);
    next.resolve();
    await settle();
  }

  get pending(): number {
    return this.timers.length;
  }
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

function loopWith(clock: VirtualClock, intervalMs: number, runMs: number): { loop: PeriodicLoop; starts: number[] } {
  const starts: number[] = [];
  const loop = new PeriodicLoop(intervalMs, async () => {
    starts.push(clock.now());
    clock.time += runMs;
    await settle(); // a real run does I/O: the loop must never spin without yielding
    if (starts.length >= 250) void loop.stop(); // a runaway loop ends the test instead of the process
  }, clock);
  return { loop, starts };
}

describe('PeriodicLoop', () => {
  it('starts each run interval after the previous one started', async () => {
    const clock = new VirtualClock();
    const { loop, starts } = loopWith(clock, 10_000, 3_000);
    void loop.start();
    await settle();
    for (let i = 0; i < 3; i += 1) await clock.fireNext();
    expect(starts).toEqual([0, 10_000, 20_000, 30_000]);
    await loop.stop();
  });

  it('follows an overrunning run at once', async () => {
    const clock = new VirtualClock();
    const { loop, starts } = loopWith(clock, 10_000, 15_000);
    void loop.start();
    for (let i = 0; i < 6; i += 1) await settle();
    expect(starts.slice(0, 3)).toEqual([0, 15_000, 30_000]);
    await loop.stop();
  });

  it('does not drift when timers fire late', async () => {
    const clock = new VirtualClock(11);
    const { loop, starts } = loopWith(clock, 1_000, 100);
    void loop.start();
    await settle();
    for (let i = 0; i < 200; i += 1) await clock.fireNext();
    expect(starts[200]).toBe(200_011); // each start 11 ms late, never more: 202_200 if the lateness added up
    await loop.stop();
  });

  it('stops at once while sleeping, and after the run while running', async () => {
    const clock = new VirtualClock();
    let finishRun = (): void => {};
    let runs = 0;
    const loop = new PeriodicLoop(60_000, () => {
      runs += 1;
      return new Promise<void>((resolve) => (finishRun = resolve));
    }, clock);
    const stopped = loop.start();
    await settle();
    let done = false;
    void loop.stop().then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    expect(loop.current).toBe('stopping');
    finishRun();
    await stopped;
    expect(done).toBe(true);
    expect(runs).toBe(1);

    const idle = new PeriodicLoop(60_000, async () => {}, clock);
    const idleStopped = idle.start();
    await settle();
    expect(clock.pending).toBeGreaterThan(0);
    await idle.stop();
    await idleStopped;
    expect(idle.current).toBe('stopped');
  });

  it('runSoon wakes a sleeping loop, and the schedule counts from that run', async () => {
    const clock = new VirtualClock();
    const { loop, starts } = loopWith(clock, 10_000, 0);
    void loop.start();
    await settle();
    clock.time = 4_000;
    loop.runSoon();
    await settle();
    await clock.fireNext();
    expect(starts).toEqual([0, 4_000, 14_000]);
    await loop.stop();
  });
});

/**
 * A machine that can be suspended: timers run on awake time only (as Node's do, on CLOCK_MONOTONIC), while now()
 * is the wall clock, which moves on during a suspend.
 */
class SuspendableClock implements Clock {
  private awake = 0;
  private asleep = 0;
  private timers: Array<{ at: number; resolve: () => void }> = [];

  now(): number {
    return this.awake + this.asleep;
  }

  sleep(ms: number): { readonly done: Promise<void>; wake(): void } {
    let resolve = (): void => {};
    const done = new Promise<void>((r) => (resolve = r));
    const timer = { at: this.awake + ms, resolve };
    this.timers.push(timer);
    return { done, wake: () => ((this.timers = this.timers.filter((t) => t !== timer)), resolve()) };
  }

  suspend(ms: number): void {
    this.asleep += ms;
  }

  /** Awake time passes; due timers fire in order. */
  async advance(ms: number): Promise<void> {
    const end = this.awake + ms;
    for (;;) {
      await settle();
      const next = this.timers.sort((a, b) => a.at - b.at)[0];
      if (next === undefined || next.at > end) break;
      this.timers.shift();
      this.awake = next.at;
      next.resolve();
    }
    this.awake = end;
    await settle();
  }
}

describe('PeriodicLoop by the wall clock (a machine that sleeps)', () => {
  const HOUR = 3_600_000;
  const start = async (clock: SuspendableClock): Promise<{ loop: PeriodicLoop; starts: number[] }> => {
    const starts: number[] = [];
    const loop = new PeriodicLoop(HOUR, async () => void starts.push(clock.now()), clock);
    void loop.start();
    await settle();
    return { loop, starts };
  };

  it('runs within WALL_CHECK_MS of waking when the run fell due during a suspend, once, and counts on from it', async () => {
    const clock = new SuspendableClock();
    const { loop, starts } = await start(clock);
    await clock.advance(10 * 60_000);
    clock.suspend(3 * HOUR); // the lid closed for three hours: the 1 h run and two more fell due meanwhile
    await clock.advance(WALL_CHECK_MS);
    const woke = 10 * 60_000 + 3 * HOUR;
    expect(starts).toEqual([0, woke + WALL_CHECK_MS - (10 * 60_000) % WALL_CHECK_MS]);
    await clock.advance(HOUR);
    expect(starts).toHaveLength(3); // one missed run made up for, not three
    expect(starts[2]! - starts[1]!).toBe(HOUR);
    await loop.stop();
  });

  it('checkSchedule (the system resumed) starts a run that fell due at once', async () => {
    const clock = new SuspendableClock();
    const { loop, starts } = await start(clock);
    await clock.advance(5_000);
    clock.suspend(2 * HOUR);
    loop.checkSchedule();
    await settle();
    expect(starts).toEqual([0, 2 * HOUR + 5_000]);
    loop.checkSchedule(); // nothing due: nothing runs
    await clock.advance(1_000);
    expect(starts).toHaveLength(2);
    await loop.stop();
  });
});
