/**
 * One pair on its schedule, for the command line and the tray alike (as Syncthing's lib/model/folder.go serves one
 * folder): the periodic loop, the optional change watcher that asks for an early run, the wait for an unplugged
 * drive, and the guarantee that a pair never has two runs at once. What a run does and how its outcome is shown
 * belong to the caller: it passes `sync` and listens to the hooks.
 */
import type { RunSummary } from '../engine/index.js';
import { DRIVE_CHECK_MS, waitForDrive, type DriveWait } from './drive-wait.js';
import { PeriodicLoop, type Clock, type LoopState } from './schedule.js';
import type { ChangeWatcher, WatchOptions } from './watch.js';

export type WatchFactory = (options: WatchOptions) => ChangeWatcher;
export type DriveWaitFactory = (target: string, mountPoint: string, onBack: () => void, periodMs: number) => DriveWait;

export interface PairRunnerHooks {
  /** The watcher saw a change: an early run follows once the source is quiet. */
  changesPending?(): void;
  /** The watcher failed and closed itself; the pair goes on syncing on its interval only. */
  watcherFailed?(error: Error): void;
  /** A run was refused for an unplugged drive: the runner looks for it every check period. */
  waitingForDrive?(mountPoint: string): void;
  /** The drive is back; a run starts now. */
  driveBack?(mountPoint: string): void;
  /** A run ended (undefined: it failed, and the caller's `sync` said so), after any drive wait it started. */
  runEnded?(summary: RunSummary | undefined): void;
}

export interface PairRunnerOptions {
  readonly intervalMs: number;
  /**
   * One run of the pair; the signal aborts it between operations (abortRun()). Undefined: the run failed and the
   * caller has reported it.
   */
  readonly sync: (signal: AbortSignal) => Promise<RunSummary | undefined>;
  /** Watch the source for changes between intervals. */
  readonly watch?: { readonly root: string; readonly excludes: readonly string[]; readonly quietMs: number; readonly create: WatchFactory };
  readonly waitForDrive?: DriveWaitFactory;
  readonly driveCheckMs?: number;
  readonly clock?: Clock;
  readonly hooks?: PairRunnerHooks;
}

export class PairRunner {
  private loop: PeriodicLoop | undefined;
  private watcher: ChangeWatcher | undefined;
  private driveWait: DriveWait | undefined;
  private current: Promise<RunSummary | undefined> | undefined;
  private abort = new AbortController();

  constructor(private readonly options: PairRunnerOptions) {}

  /** The loop's state; 'stopped' before start() and after stop(). */
  get state(): LoopState {
    return this.loop?.current ?? 'stopped';
  }

  /** Whether the schedule runs: started and not told to stop. */
  get scheduled(): boolean {
    const state = this.loop?.current;
    return state === 'idle' || state === 'running';
  }

  /** When the next scheduled run is due (ms since the epoch), or undefined off schedule. */
  get nextRunAt(): number | undefined {
    return this.scheduled && this.loop!.nextRunAt > 0 ? this.loop!.nextRunAt : undefined;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** The run going on, if any; settles when it ends. */
  get currentRun(): Promise<RunSummary | undefined> | undefined {
    return this.current;
  }

  /** Runs on the schedule until stop() (and again after another start()); settles when the loop has stopped. */
  start(): Promise<void> {
    if (this.loop !== undefined) return this.loop.start();
    const loop = new PeriodicLoop(this.options.intervalMs, async () => void (await this.runNow()), this.options.clock);
    this.loop = loop;
    if (this.options.watch !== undefined) this.startWatching(loop, this.options.watch);
    return loop.start();
  }

  /** Asks for a run now: on the schedule it comes next (after the one going on); off it, one run at once. */
  syncSoon(): void {
    if (this.scheduled) this.loop!.runSoon();
    else void this.runNow();
  }

  /**
   * One run, unless one is going on already (then that one is returned): the single door every run goes through,
   * so a pair never has two at once. Undefined when the run failed (the caller's `sync` reports it).
   */
  runNow(): Promise<RunSummary | undefined> {
    if (this.current !== undefined) return this.current;
    const run = this.options
      .sync(this.abort.signal)
      .catch(() => undefined)
      .then((summary) => {
        if (summary === undefined) this.stopDriveWait();
        else this.followDrive(summary);
        this.options.hooks?.runEnded?.(summary);
        return summary;
      })
      .finally(() => {
        this.current = undefined;
      });
    this.current = run;
    return run;
  }

  /** The system woke up: a run that fell due by the wall clock while it slept starts now. */
  checkSchedule(): void {
    this.loop?.checkSchedule();
  }

  /** Stops the schedule, the watcher and the drive wait; a run going on finishes. Resolves when all have stopped. */
  async stop(): Promise<void> {
    const { loop, watcher } = this;
    this.loop = undefined;
    this.watcher = undefined;
    this.stopDriveWait();
    await Promise.all([loop?.stop(), watcher?.close().catch(() => undefined), this.current]);
  }

  /** Aborts the run going on between two operations (each is atomic, so the replica stays consistent). */
  abortRun(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  private startWatching(loop: PeriodicLoop, watch: NonNullable<PairRunnerOptions['watch']>): void {
    const failed = (error: unknown): void => {
      const watcher = this.watcher;
      this.watcher = undefined;
      void watcher?.close().catch(() => undefined);
      this.options.hooks?.watcherFailed?.(error instanceof Error ? error : new Error(String(error)));
    };
    try {
      this.watcher = watch.create({
        root: watch.root,
        excludes: watch.excludes,
        quietMs: watch.quietMs,
        onPending: () => this.options.hooks?.changesPending?.(),
        onQuiet: () => {
          if (this.loop === loop && this.scheduled) loop.runSoon();
        },
        onError: failed,
      });
    } catch (error) {
      // Some failures (a missing source) surface while setting up rather than as an event: the same fallback.
      failed(error);
    }
  }

  /**
   * After a run refused for an unplugged drive: look for the drive (unless already looking) and run as soon as it
   * is back. Only on the schedule: a one-off run starts no wait that nothing would stop. Any other outcome ends it.
   */
  private followDrive(summary: RunSummary): void {
    const target = summary.status === 'refused' ? summary.refusal?.waitFor : undefined;
    const loop = this.loop;
    if (target === undefined || loop === undefined || !this.scheduled) {
      this.stopDriveWait();
      return;
    }
    if (this.driveWait !== undefined) return;
    this.options.hooks?.waitingForDrive?.(target.mountPoint);
    const wait = this.options.waitForDrive ?? waitForDrive;
    this.driveWait = wait(
      target.path,
      target.mountPoint,
      () => {
        this.driveWait = undefined;
        if (this.loop !== loop || !this.scheduled) return;
        this.options.hooks?.driveBack?.(target.mountPoint);
        loop.runSoon();
      },
      this.options.driveCheckMs ?? DRIVE_CHECK_MS,
    );
  }

  private stopDriveWait(): void {
    this.driveWait?.stop();
    this.driveWait = undefined;
  }
}
