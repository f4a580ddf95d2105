/**
 * Runs every enabled pair on its own schedule through the engine and keeps what the tray and the settings
 * page show about it. No Electron here: the engine, the log and the watcher are passed in, so the whole
 * controller runs on plain Node in tests.
 *
 * One pair never has two runs at once: the periodic loop, "Sync now" while paused and a pair edited during a
 * run all go through `runPair`, and an edited pair's new schedule starts only after its old one stopped.
 *
 * A run refused because a drive is unplugged is not an error: the pair waits, and a cheap check (as the CLI's
 * loop does) starts the next run as soon as the drive is back rather than at the next interval.
 */
import { DRIVE_CHECK_MS, waitForDrive, type DriveWait } from '../runner/drive-wait.js';
import { describeInterval, parseInterval } from '../shared/interval.js';
import type { RunSummary, SyncEvent, SyncOptions } from '../engine/index.js';
import { PeriodicLoop, type Clock } from '../runner/schedule.js';
import type { ChangeWatcher, WatchOptions } from '../runner/watch.js';
import type { LastRunView, PairSettings, PairStatusView, StatusView, TrayState } from '../shared/ipc-contract.js';
import { eventLine, summaryLine } from '../shared/log-format.js';
import type { OperationLog } from '../log.js';
import { pairLabel } from './pair-label.js';
import { pairSyncOptions } from './pair-sync-options.js';

export interface PairsControllerDeps {
  runSync(options: SyncOptions): Promise<RunSummary>;
  openLog(logDir: string): OperationLog;
  watch(options: WatchOptions): ChangeWatcher;
  /** Where the engine keeps this pair's file record. */
  stateDirFor(pairId: string): string;
  now?(): number;
  clock?: Clock;
  /** Quiet time before a watched pair runs early. */
  watchQuietMs?: number;
  /** Looks for an unplugged drive until it is back (default: drive-wait.ts's real check). */
  waitForDrive?(target: string, mountPoint: string, onBack: () => void, periodMs: number): DriveWait;
  /** How often an unplugged drive is looked for (default 10 s). */
  driveCheckMs?: number;
  /** Something shown changed (coalesced while a run streams events). */
  onChange?(): void;
  onRunFinished?(pair: PairSettings, run: LastRunView): void;
}

/** How many log lines the status panel keeps per pair. */
export const LOG_LINES_KEPT = 40;
const WATCH_QUIET_MS = 2000;
/** While a run streams events, redraw at most this often. */
const EVENT_REDRAW_MS = 250;

/** What is known about a pair across edits of its settings (same id). */
interface Activity {
  lastRun: LastRunView | null;
  logLines: string[];
  running: boolean;
  progress: { filesDone: number; filesTotal: number } | null;
  /** The last probe's summary of the replica's file system; runs refused before probing keep the old one. */
  replicaFs: string | null;
}

interface Runtime {
  readonly pair: PairSettings;
  readonly intervalMs: number;
  readonly activity: Activity;
  /** The old schedule of an edited pair, until it has stopped. */
  previous: Promise<void> | undefined;
  loop: PeriodicLoop | undefined;
  watcher: ChangeWatcher | undefined;
  current: Promise<void> | undefined;
  retired: boolean;
  changesPending: boolean;
  warning: string | null;
  /** Looking for the unplugged drive of the last run; only while the schedule runs. */
  driveWait: DriveWait | undefined;
}

function sameConfig(a: PairSettings, b: PairSettings): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function watcherProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the inotify watch limit is reached';
  if (code === 'EMFILE') return 'too many open files';
  return messageOf(error).replace(/\.$/, '');
}

function clockTime(ms: number): string {
  return new Date(ms).toTimeString().slice(0, 8);
}

/** The status panel's one-line account of a finished run. */
export function runText(summary: RunSummary): string {
  // The engine's refusal sentences already say that nothing was changed.
  if (summary.status === 'refused') return summary.refusal?.message ?? 'Refused by a safety check; nothing was changed.';
  return summaryLine(summary).replace(/^summary /, '');
}

/** The warning a run with entries the replica cannot hold leaves on its pair (the run itself counts as done). */
export function unrepresentableText(count: number): string {
  return `not representable on the replica: ${count}`;
}

type DriveTarget = NonNullable<NonNullable<RunSummary['refusal']>['waitFor']>;

/** What a refused run waits for: an unplugged drive (by its mount point, or the replica when unnamed), or nothing. */
function driveWaitOf(summary: RunSummary, replica: string): { shown: string; target: DriveTarget | undefined } | null {
  const refusal = summary.status === 'refused' ? summary.refusal : undefined;
  if (refusal?.waitFor !== undefined) return { shown: refusal.waitFor.mountPoint, target: refusal.waitFor };
  if (refusal?.reason === 'replica-not-connected') return { shown: replica, target: undefined };
  return null;
}

export class PairsController {
  private runtimes = new Map<string, Runtime>();
  private readonly activities = new Map<string, Activity>();
  private readonly retiring = new Set<Promise<void>>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly appWarnings: string[] = [];
  private paused = false;
  private shuttingDown = false;
  private redrawTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: PairsControllerDeps) {}

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Takes a new list of pairs: unchanged pairs keep running, edited ones restart after their current run. */
  apply(pairs: readonly PairSettings[]): void {
    const next = new Map<string, Runtime>();
    for (const pair of pairs) {
      const old = this.runtimes.get(pair.id);
      if (old !== undefined && sameConfig(old.pair, pair)) {
        next.set(pair.id, old);
        continue;
      }
      const activity = this.activities.get(pair.id) ?? { lastRun: null, logLines: [], running: false, progress: null, replicaFs: null };
      // A re-pointed replica is another file system until probed.
      if (old !== undefined && old.pair.replica !== pair.replica) activity.replicaFs = null;
      this.activities.set(pair.id, activity);
      next.set(pair.id, {
        pair,
        intervalMs: parseInterval(pair.interval) * 1000,
        activity,
        previous: old === undefined ? undefined : this.retire(old),
        loop: undefined,
        watcher: undefined,
        current: undefined,
        retired: false,
        changesPending: false,
        warning: null,
        driveWait: undefined,
      });
    }
    for (const [id, old] of this.runtimes) {
      if (!next.has(id)) {
        void this.retire(old);
        this.activities.delete(id);
      }
    }
    this.runtimes = next;
    for (const rt of next.values()) this.startWhenFree(rt);
    this.changed();
  }

  /** Stops scheduling runs; a run going on finishes. */
  pause(): void {
    if (this.paused || this.shuttingDown) return;
    this.paused = true;
    for (const rt of this.runtimes.values()) void this.stopSchedule(rt);
    this.changed();
  }

  resume(): void {
    if (!this.paused || this.shuttingDown) return;
    this.paused = false;
    for (const rt of this.runtimes.values()) this.startWhenFree(rt);
    this.changed();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** One pair, or every enabled pair (null). While paused or for a disabled pair: a single run. */
  syncNow(pairId: string | null): void {
    if (this.shuttingDown) return;
    const targets =
      pairId === null ? [...this.runtimes.values()].filter((rt) => rt.pair.enabled) : [this.runtimes.get(pairId)].filter((rt) => rt !== undefined);
    for (const rt of targets) {
      if (rt.loop !== undefined && rt.loop.current !== 'stopping' && rt.loop.current !== 'stopped') rt.loop.runSoon();
      else void this.runPair(rt);
    }
  }

  /** True while any run goes on (including one of a pair being edited or removed). */
  get isBusy(): boolean {
    return this.inflight.size > 0;
  }

  /** Stops everything; resolves when every run has finished. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.changed();
    await Promise.all([...[...this.runtimes.values()].map((rt) => this.stopSchedule(rt)), ...this.retiring, ...this.inflight]);
    clearTimeout(this.redrawTimer);
  }

  addWarning(text: string): void {
    this.appWarnings.push(text);
    this.changed();
  }

  status(): StatusView {
    const pairs = [...this.runtimes.values()].map((rt) => this.pairStatus(rt));
    let state: TrayState = 'idle';
    if (pairs.some((p) => p.state === 'syncing')) state = 'syncing';
    else if (this.paused) state = 'paused';
    else if (pairs.some((p) => p.state === 'error')) state = 'error';
    return { state, paused: this.paused, quitting: this.shuttingDown, warnings: [...this.appWarnings], pairs };
  }

  pair(pairId: string): PairSettings | undefined {
    return this.runtimes.get(pairId)?.pair;
  }

  private pairStatus(rt: Runtime): PairStatusView {
    const { activity, pair, loop } = rt;
    let state: PairStatusView['state'] = 'idle';
    if (activity.running) state = 'syncing';
    else if (!pair.enabled) state = 'disabled';
    else if (this.paused) state = 'paused';
    else if ((activity.lastRun?.waitingFor ?? null) !== null) state = 'waiting';
    else if (activity.lastRun !== null && activity.lastRun.outcome !== 'ok') state = 'error';
    const scheduled = loop !== undefined && (loop.current === 'idle' || loop.current === 'running') && loop.nextRunAt > 0;
    const warnings = [rt.warning, activity.lastRun !== null && activity.lastRun.unrepresentable > 0 ? unrepresentableText(activity.lastRun.unrepresentable) : null];
    return {
      id: pair.id,
      label: pairLabel(pair),
      state,
      lastRun: activity.lastRun,
      nextRunAt: scheduled ? loop.nextRunAt : null,
      changesPending: rt.changesPending,
      warnings: warnings.filter((w) => w !== null),
      replicaFs: activity.replicaFs,
      progress: activity.progress,
      logLines: [...activity.logLines],
    };
  }

  private retire(rt: Runtime): Promise<void> {
    rt.retired = true;
    const stopped = this.stopSchedule(rt).then(() => rt.current);
    this.retiring.add(stopped);
    void stopped.finally(() => this.retiring.delete(stopped));
    return stopped;
  }

  private startWhenFree(rt: Runtime): void {
    if (rt.previous === undefined) {
      this.startSchedule(rt);
      return;
    }
    void rt.previous.then(() => {
      rt.previous = undefined;
      this.startSchedule(rt);
    });
  }

  private startSchedule(rt: Runtime): void {
    if (!rt.pair.enabled || this.paused || this.shuttingDown || rt.retired || rt.loop !== undefined) return;
    const loop = new PeriodicLoop(rt.intervalMs, () => this.runPair(rt), this.deps.clock);
    rt.loop = loop;
    void loop.start();
    if (rt.pair.watch) this.startWatching(rt, loop);
    this.changed();
  }

  private async stopSchedule(rt: Runtime): Promise<void> {
    const { loop, watcher } = rt;
    rt.loop = undefined;
    rt.watcher = undefined;
    rt.changesPending = false;
    this.stopDriveWait(rt);
    await Promise.all([loop?.stop(), watcher?.close().catch(() => undefined)]);
  }

  private startWatching(rt: Runtime, loop: PeriodicLoop): void {
    const degrade = (error: unknown): void => {
      if (rt.watcher === undefined && rt.warning !== null) return;
      const watcher = rt.watcher;
      rt.watcher = undefined;
      void watcher?.close().catch(() => undefined);
      rt.changesPending = false;
      const err = error instanceof Error ? error : new Error(String(error));
      rt.warning = `Watching for changes stopped (${watcherProblem(err)}): this pair now syncs every ${describeInterval(rt.intervalMs / 1000)} only.`;
      this.pushLine(rt.activity, `warning ${rt.warning}`);
      this.changed();
    };
    try {
      rt.watcher = this.deps.watch({
        root: rt.pair.source,
        excludes: rt.pair.excludes,
        quietMs: this.deps.watchQuietMs ?? WATCH_QUIET_MS,
        onPending: () => {
          rt.changesPending = true;
          this.changed();
        },
        onQuiet: () => {
          if (rt.loop === loop) loop.runSoon();
        },
        onError: degrade,
      });
      rt.warning = null;
    } catch (error) {
      // Some failures (a missing source) surface while setting up rather than as an event: same fallback.
      degrade(error);
    }
  }

  private runPair(rt: Runtime): Promise<void> {
    if (rt.current !== undefined) return rt.current;
    // An edited pair's old run may still be going: a "Sync now" on the new settings waits for it.
    const previous = rt.previous;
    const run = (previous === undefined ? this.execute(rt) : previous.then(() => this.execute(rt))).finally(() => {
      rt.current = undefined;
      this.inflight.delete(run);
    });
    rt.current = run;
    this.inflight.add(run);
    return run;
  }

  private async execute(rt: Runtime): Promise<void> {
    const { pair, activity } = rt;
    activity.running = true;
    activity.progress = null;
    rt.changesPending = false;
    this.changed();
    let last: LastRunView;
    let log: OperationLog | undefined;
    try {
      log = this.deps.openLog(pair.logDir);
      const opened = log;
      const summary = await this.deps.runSync({
        ...pairSyncOptions(pair, this.deps.stateDirFor(pair.id)),
        onEvent: (event) => {
          opened.write(event);
          this.onEvent(activity, event);
        },
      });
      log.writeSummary(summary);
      this.pushLine(activity, summaryLine(summary));
      const drive = driveWaitOf(summary, pair.replica);
      last = { finishedAt: this.now(), outcome: summary.status, text: runText(summary), waitingFor: drive?.shown ?? null, unrepresentable: summary.unrepresentable };
      this.followDrive(rt, drive?.target);
    } catch (error) {
      const message = messageOf(error);
      log?.note(`run failed: ${message}`);
      this.pushLine(activity, `error   run failed: ${message}`);
      last = { finishedAt: this.now(), outcome: 'failed', text: message, waitingFor: null, unrepresentable: 0 };
      this.stopDriveWait(rt);
    } finally {
      log?.close();
    }
    activity.lastRun = last;
    activity.running = false;
    activity.progress = null;
    this.changed();
    try {
      this.deps.onRunFinished?.(pair, last);
    } catch {
      // A failing notification must not break the schedule.
    }
  }

  /**
   * After a run refused for an unplugged drive: look for the drive (unless already looking) and run as soon as it
   * is back. Only for a pair on its schedule: a one-off run while paused or disabled does not start a watch that
   * nothing would stop. Any other outcome ends the watch.
   */
  private followDrive(rt: Runtime, target: DriveTarget | undefined): void {
    const loop = rt.loop;
    if (target === undefined || loop === undefined || (loop.current !== 'running' && loop.current !== 'idle') || rt.retired || this.shuttingDown) {
      this.stopDriveWait(rt);
      return;
    }
    if (rt.driveWait !== undefined) return;
    const { activity } = rt;
    this.pushLine(activity, `waiting for the drive at ${target.mountPoint}; syncing as soon as it is back`);
    const wait = this.deps.waitForDrive ?? waitForDrive;
    rt.driveWait = wait(
      target.path,
      target.mountPoint,
      () => {
        rt.driveWait = undefined;
        if (rt.loop !== loop) return;
        this.pushLine(activity, `the drive at ${target.mountPoint} is back: syncing now`);
        loop.runSoon();
        this.changed();
      },
      this.deps.driveCheckMs ?? DRIVE_CHECK_MS,
    );
  }

  private stopDriveWait(rt: Runtime): void {
    rt.driveWait?.stop();
    rt.driveWait = undefined;
  }

  private onEvent(activity: Activity, event: SyncEvent): void {
    if (event.type === 'progress') {
      activity.progress = { filesDone: event.filesDone, filesTotal: event.filesTotal };
    } else {
      if (event.type === 'probe') activity.replicaFs = event.traits.summary;
      const line = eventLine(event);
      if (line !== undefined) this.pushLine(activity, line);
    }
    this.changed(false);
  }

  private pushLine(activity: Activity, line: string): void {
    activity.logLines.push(`${clockTime(this.now())} ${line}`);
    if (activity.logLines.length > LOG_LINES_KEPT) activity.logLines.splice(0, activity.logLines.length - LOG_LINES_KEPT);
  }

  /** Tells the tray and the page; streams of run events are coalesced so a big run does not flood them. */
  private changed(urgent = true): void {
    if (urgent) {
      clearTimeout(this.redrawTimer);
      this.redrawTimer = undefined;
      this.deps.onChange?.();
      return;
    }
    if (this.redrawTimer !== undefined) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.deps.onChange?.();
    }, EVENT_REDRAW_MS);
    this.redrawTimer.unref();
  }
}
