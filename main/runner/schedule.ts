/**
 * The periodic loop shared by the CLI and the tray: each run starts `interval` after the previous one
 * *started*; a run that overran is followed at once. Stopping while a run is going lets it finish; stopping
 * while asleep ends the loop at once. The clock is injected so tests need not sleep.
 *
 * Runs are due by the wall clock. Node's timers count the time the machine is awake only (CLOCK_MONOTONIC stops
 * during suspend), so a laptop that slept through its run would run an interval's worth of awake time later. The
 * loop therefore never sleeps longer than WALL_CHECK_MS before it reads the wall clock again, and checkSchedule()
 * (the tray calls it when the system resumes) reads it at once. Runs missed while asleep become one run, and the
 * schedule counts on from it.
 */

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `wake` is called. */
  sleep(ms: number): { readonly done: Promise<void>; wake(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms) {
    let wake = (): void => {};
    const done = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return { done, wake: () => wake() };
  },
};

export type LoopState = 'idle' | 'running' | 'stopping' | 'stopped';

/** The longest the loop sleeps before it looks at the wall clock again. */
export const WALL_CHECK_MS = 30_000;

export class PeriodicLoop {
  private state: LoopState = 'idle';
  private stopRequested = false;
  private runRequested = false;
  private wakeSleep: (() => void) | undefined;
  private nextStartAt = 0;
  private finished: Promise<void> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly runOnce: () => Promise<void>,
    private readonly clock: Clock = systemClock,
  ) {}

  get current(): LoopState {
    return this.state;
  }

  /** When the next run is due (ms since the epoch, by the injected clock). */
  get nextRunAt(): number {
    return this.nextStartAt;
  }

  /** Starts the loop; the promise settles when the loop has stopped. */
  start(): Promise<void> {
    this.finished ??= this.loop();
    return this.finished;
  }

  /** Asks for a run now (tray "Sync now", watcher); a run in progress is followed by one more. */
  runSoon(): void {
    this.runRequested = true;
    this.wakeSleep?.();
  }

  /** Looks at the wall clock now (the machine woke up): a run whose time passed while it slept starts at once. */
  checkSchedule(): void {
    this.wakeSleep?.();
  }

  /** Stops after the current run, or at once when idle. Resolves when stopped. */
  stop(): Promise<void> {
    this.stopRequested = true;
    if (this.state === 'running') this.state = 'stopping';
    this.wakeSleep?.();
    return this.finished ?? Promise.resolve();
  }

  private async loop(): Promise<void> {
    let onTime = false;
    while (!this.stopRequested) {
      const now = this.clock.now();
      // Woken by the timer for a planned start: that start counts, so timer lateness never adds up to drift. Late by
      // an interval or more (the machine slept through it), the schedule restarts from now: one run, not a catch-up.
      const startedAt = onTime && now >= this.nextStartAt && now - this.nextStartAt < this.intervalMs ? this.nextStartAt : now;
      this.nextStartAt = startedAt + this.intervalMs;
      this.runRequested = false;
      this.state = 'running';
      try {
        await this.runOnce();
      } finally {
        this.state = this.stopRequested ? 'stopping' : 'idle';
      }
      onTime = false;
      while (!this.stopRequested && !this.runRequested) {
        const wait = this.nextStartAt - this.clock.now();
        if (wait <= 0) break;
        const sleep = this.clock.sleep(Math.min(wait, WALL_CHECK_MS));
        this.wakeSleep = sleep.wake;
        await sleep.done;
        this.wakeSleep = undefined;
        onTime = !this.runRequested;
      }
    }
    this.state = 'stopped';
  }
}
