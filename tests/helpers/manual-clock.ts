/** A Clock that only moves when a test says so (the watch aggregator's and the loop's timing without sleeping). */
import type { Clock } from '../../main/runner/schedule.js';

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

export class ManualClock implements Clock {
  private time = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): { readonly done: Promise<void>; wake(): void } {
    let resolve = (): void => {};
    const done = new Promise<void>((r) => {
      resolve = r;
    });
    const timer: Timer = { at: this.time + Math.max(0, ms), resolve };
    this.timers.push(timer);
    return {
      done,
      wake: () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      },
    };
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order and letting their callbacks run. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.resolve();
      await new Promise((r) => setImmediate(r));
    }
    this.time = target;
    await new Promise((r) => setImmediate(r));
  }
}
