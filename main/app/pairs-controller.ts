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
import fs from 'node:fs/promises';
import type { DriveWait } from '../runner/drive-wait.js';
import { describeInterval, parseInterval } from '../shared/interval.js';
import { hasRecord } from '../engine/index.js';
import type { RunSummary, SyncEvent, SyncOptions } from '../engine/index.js';
import { PairRunner } from '../runner/pair-runner.js';
import type { Clock } from '../runner/schedule.js';
import type { ChangeWatcher, WatchOptions } from '../runner/watch.js';
import { FAILURES_SHOWN, HISTORY_SHOWN } from '../shared/ipc-contract.js';
import type { FailureView, HistoryEntry, LastRunView, PairSettings, PairStatusView, ProgressView, RunCounts, StatusView, TrayState } from '../shared/ipc-contract.js';
import { causeInWords } from '../shared/failure-words.js';
import { progressParts, RateMeter } from '../shared/progress.js';
import { eventLine, showPath, summaryLine } from '../shared/log-format.js';
import type { OperationLog } from '../log.js';
import { declinedText, destroysSomething, questionFromPlan, questionWords } from './deletion-question.js';
import type { DeletionQuestion, QuestionReason } from './deletion-question.js';
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
  /**
   * Shows the user what a run would delete or overwrite and asks; true lets it go ahead. Asked before the first run
   * into a replica that holds entries (no record yet) and before a run over the pair's deletion limit. The signal
   * aborts (Stop, quit): the answer is then no.
   */
  confirm(pair: PairSettings, question: DeletionQuestion, signal: AbortSignal): Promise<boolean>;
  /** Where finished runs are kept across restarts (run-history.ts); the last one is the pair's last run at start. */
  history?: { entries(pairId: string): readonly HistoryEntry[]; add(pairId: string, entry: HistoryEntry): void; retain(pairIds: ReadonlySet<string>): void };
}

/** The outcome of asking: go ahead within a limit, nothing worth asking about, or no. */
type Approval = { readonly kind: 'approved'; readonly maxDelete: { readonly count: number } } | { readonly kind: 'nothing' } | { readonly kind: 'declined'; readonly question: DeletionQuestion };

/** Whether a folder holds anything (missing or unreadable: nothing to lose in it). */
async function holdsEntries(folder: string): Promise<boolean> {
  try {
    const dir = await fs.opendir(folder);
    try {
      return (await dir.read()) !== null;
    } finally {
      await dir.close().catch(() => undefined);
    }
  } catch {
    return false;
  }
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
  progress: ProgressView | null;
  /** The rate of the run going on, over its last few seconds. */
  readonly meter: RateMeter;
  /** The last probe's summary of the replica's file system; runs refused before probing keep the old one. */
  replicaFs: string | null;
}

interface Runtime {
  readonly pair: PairSettings;
  readonly activity: Activity;
  /** The loop, the watcher, the drive wait and the one-run-at-a-time rule (main/runner/pair-runner.ts). */
  readonly runner: PairRunner;
  /** The old schedule of an edited pair, until it has stopped. */
  previous: Promise<void> | undefined;
  retired: boolean;
  changesPending: boolean;
  warning: string | null;
  /** The user said no to a question: scheduled runs do not ask again, only "Sync now" does. */
  declined: boolean;
  /** The next run was asked for by "Sync now". */
  manual: boolean;
  /** A question about this pair's run is open: quitting or editing the pair answers it no. */
  asking: boolean;
  /** Its words, for the window while the message box waits. */
  question: { readonly message: string; readonly detail: string } | null;
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
  const line = summaryLine(summary, summary.aborted).replace(/^summary /, '');
  if (!summary.aborted) return line;
  // Every step is atomic, so what is left is simply not done yet: the next run does it.
  return `stopped: ${line.replace(/^aborted /, '')}; ${summary.undone} planned step${summary.undone === 1 ? '' : 's'} left for the next run`;
}

/** The warning a run with entries the replica cannot hold leaves on its pair (the run itself counts as done). */
export function unrepresentableText(count: number): string {
  return `not representable on the replica: ${count}`;
}

function failuresOf(summary: RunSummary): FailureView[] {
  return summary.failures.slice(0, FAILURES_SHOWN).map((f) => ({ path: showPath(f.path), cause: causeInWords(f.code, f.message) }));
}

function countsOf(summary: RunSummary): RunCounts | undefined {
  if (summary.status === 'refused') return undefined;
  const { copied, updated, moved, deleted, errors, durationMs } = summary;
  return { copied, updated, moved, deleted, errors, durationMs };
}

/** What a refused run waits for, as shown: an unplugged drive's mount point (or the replica when unnamed), or null. */
function driveWaitOf(summary: RunSummary, replica: string): string | null {
  const refusal = summary.status === 'refused' ? summary.refusal : undefined;
  if (refusal?.waitFor !== undefined) return refusal.waitFor.mountPoint;
  if (refusal?.reason === 'replica-not-connected') return replica;
  return null;
}

export class PairsController {
  private runtimes = new Map<string, Runtime>();
  private readonly activities = new Map<string, Activity>();
  private readonly retiring = new Set<Promise<void>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly appWarnings: string[] = [];
  private paused = false;
  /** Pairs paused on their own (their card's Pause); kept across edits of their settings. */
  private readonly pausedPairs = new Set<string>();
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
      const activity = this.activities.get(pair.id) ?? { lastRun: this.remembered(pair.id), logLines: [], running: false, progress: null, replicaFs: null, meter: new RateMeter() };
      // A re-pointed replica is another file system until probed.
      if (old !== undefined && old.pair.replica !== pair.replica) activity.replicaFs = null;
      this.activities.set(pair.id, activity);
      next.set(pair.id, this.runtimeFor(pair, activity, old === undefined ? undefined : this.retire(old)));
    }
    for (const [id, old] of this.runtimes) {
      if (!next.has(id)) {
        this.pausedPairs.delete(id);
        void this.retire(old);
        this.activities.delete(id);
      }
    }
    this.runtimes = next;
    this.deps.history?.retain(new Set(next.keys()));
    for (const rt of next.values()) this.startWhenFree(rt);
    this.changed();
  }

  /** The last run a previous session kept, so a restart does not read "not synced yet". */
  private remembered(pairId: string): LastRunView | null {
    const last = this.deps.history?.entries(pairId)[0];
    if (last === undefined) return null;
    return { finishedAt: last.finishedAt, outcome: last.outcome, text: last.text, waitingFor: null, unrepresentable: 0, ...(last.counts === undefined ? {} : { counts: last.counts }) };
  }

  private runtimeFor(pair: PairSettings, activity: Activity, previous: Promise<void> | undefined): Runtime {
    const rt: Omit<Runtime, 'runner'> = { pair, activity, previous, retired: false, changesPending: false, warning: null, declined: false, manual: false, asking: false, question: null };
    const intervalMs = parseInterval(pair.interval) * 1000;
    const runner = new PairRunner({
      intervalMs,
      sync: (signal) => this.track(this.runAfterPrevious(runtime, signal)),
      ...(pair.watch ? { watch: { root: pair.source, excludes: pair.excludes, quietMs: this.deps.watchQuietMs ?? WATCH_QUIET_MS, create: this.deps.watch } } : {}),
      ...(this.deps.waitForDrive ? { waitForDrive: this.deps.waitForDrive } : {}),
      ...(this.deps.driveCheckMs !== undefined ? { driveCheckMs: this.deps.driveCheckMs } : {}),
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      hooks: {
        changesPending: () => {
          rt.changesPending = true;
          this.changed();
        },
        watcherFailed: (error) => {
          rt.changesPending = false;
          rt.warning = `Watching for changes stopped (${watcherProblem(error)}): this pair now syncs every ${describeInterval(intervalMs / 1000)} only.`;
          this.pushLine(activity, `warning ${rt.warning}`);
          this.changed();
        },
        waitingForDrive: (mountPoint) => this.pushLine(activity, `waiting for the drive at ${mountPoint}; syncing as soon as it is back`),
        driveBack: (mountPoint) => {
          this.pushLine(activity, `the drive at ${mountPoint} is back: syncing now`);
          this.changed();
        },
      },
    });
    // The hooks above write to `rt`: the very object returned, now with its runner.
    const runtime: Runtime = Object.assign(rt, { runner });
    return runtime;
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

  /** One pair's schedule stops (a run going on finishes) or starts again; "Sync now" still runs it once. */
  pausePair(pairId: string, paused: boolean): void {
    const rt = this.runtimes.get(pairId);
    if (rt === undefined || this.shuttingDown || this.pausedPairs.has(pairId) === paused) return;
    if (paused) {
      this.pausedPairs.add(pairId);
      void this.stopSchedule(rt);
    } else {
      this.pausedPairs.delete(pairId);
      this.startWhenFree(rt);
    }
    this.changed();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** One pair, or every enabled pair (null). While paused or for a disabled pair: a single run. */
  /** The system woke up: each pair whose run fell due by the wall clock while it slept runs now. */
  checkSchedules(): void {
    for (const rt of this.runtimes.values()) rt.runner.checkSchedule();
  }

  syncNow(pairId: string | null): void {
    if (this.shuttingDown) return;
    const targets =
      pairId === null ? [...this.runtimes.values()].filter((rt) => rt.pair.enabled) : [this.runtimes.get(pairId)].filter((rt) => rt !== undefined);
    for (const rt of targets) {
      rt.manual = true;
      rt.runner.syncSoon();
    }
  }

  /**
   * Stops the running sync of one pair (or of every pair: null) between two operations; an open question is
   * answered no. The schedule goes on: the next run does what was left.
   */
  stop(pairId: string | null): void {
    const targets = pairId === null ? [...this.runtimes.values()] : [this.runtimes.get(pairId)].filter((rt) => rt !== undefined);
    for (const rt of targets) {
      if (!rt.activity.running) continue;
      this.pushLine(rt.activity, 'stopping: the operation under way finishes, the rest is left for the next run');
      rt.runner.abortRun();
    }
    this.changed();
  }

  /** A run is copying or deleting (not only waiting for the user's answer): quitting has something to finish. */
  get isWorking(): boolean {
    if (this.retiring.size > 0) return this.isBusy;
    return [...this.runtimes.values()].some((rt) => rt.activity.running && !rt.asking);
  }

  /** True while any run goes on (including one of a pair being edited or removed). */
  get isBusy(): boolean {
    return this.inflight.size > 0;
  }

  /** Stops everything; resolves when every run has finished. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    // A question nobody answers must not keep the app from quitting: unanswered is no.
    for (const rt of this.runtimes.values()) if (rt.asking) rt.runner.abortRun();
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
    const { activity, pair } = rt;
    let state: PairStatusView['state'] = 'idle';
    if (activity.running) state = 'syncing';
    else if (!pair.enabled) state = 'disabled';
    else if (this.paused || this.pausedPairs.has(pair.id)) state = 'paused';
    else if ((activity.lastRun?.waitingFor ?? null) !== null) state = 'waiting';
    else if (activity.lastRun !== null && activity.lastRun.outcome !== 'ok') state = 'error';
    const warnings = [rt.warning, activity.lastRun !== null && activity.lastRun.unrepresentable > 0 ? unrepresentableText(activity.lastRun.unrepresentable) : null];
    return {
      id: pair.id,
      label: pairLabel(pair),
      state,
      lastRun: activity.lastRun,
      nextRunAt: rt.runner.nextRunAt ?? null,
      changesPending: rt.changesPending,
      question: rt.question,
      pairPaused: this.pausedPairs.has(pair.id),
      history: (this.deps.history?.entries(pair.id) ?? []).slice(0, HISTORY_SHOWN),
      warnings: warnings.filter((w) => w !== null),
      replicaFs: activity.replicaFs,
      progress: activity.progress,
      logLines: [...activity.logLines],
    };
  }

  private retire(rt: Runtime): Promise<void> {
    rt.retired = true;
    // The question was about the old settings.
    if (rt.asking) rt.runner.abortRun();
    const stopped = this.stopSchedule(rt);
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
    if (!rt.pair.enabled || this.paused || this.pausedPairs.has(rt.pair.id) || this.shuttingDown || rt.retired || rt.runner.scheduled) return;
    if (rt.pair.watch) rt.warning = null;
    void rt.runner.start();
    this.changed();
  }

  /** Stops the schedule, the watcher and any drive wait; resolves once the pair's run going on (if any) is done. */
  private async stopSchedule(rt: Runtime): Promise<void> {
    rt.changesPending = false;
    await rt.runner.stop();
  }

  /** Counted in isBusy from the moment it is asked for, a wait for an edited pair's old run included. */
  private track<T>(run: Promise<T>): Promise<T> {
    const tracked = run.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
    return tracked;
  }

  /** An edited pair's old run may still be going: a run on the new settings waits for it. */
  private async runAfterPrevious(rt: Runtime, signal: AbortSignal): Promise<RunSummary | undefined> {
    if (rt.previous !== undefined) await rt.previous;
    return this.execute(rt, signal);
  }

  /**
   * Plans the run without its deletion limit (a dry run) and, when it would delete or overwrite anything, asks.
   * Approved, the real run may delete at most what was shown: a source that changed meanwhile is refused, not
   * trusted. After a no, scheduled runs stay quiet (no question every interval); "Sync now" asks again.
   */
  private async approve(rt: Runtime, options: SyncOptions, reason: QuestionReason, manual: boolean, signal: AbortSignal): Promise<Approval> {
    const { maxDelete: _limit, onEvent: _events, ...unlimited } = options;
    const plan = await this.deps.runSync({ ...unlimited, dryRun: true });
    // Refused for another reason (source missing, drive unplugged): the real run says so.
    if (plan.status === 'refused') return { kind: 'nothing' };
    const question = questionFromPlan(plan.actions ?? [], reason);
    if (!destroysSomething(question)) return { kind: 'nothing' };
    if (rt.declined && !manual) return { kind: 'declined', question };
    this.pushLine(rt.activity, `waiting for your answer: ${question.deletes} to delete, ${question.overwrites} to overwrite`);
    this.changed();
    rt.asking = true;
    rt.question = questionWords(question, rt.pair);
    this.changed();
    const agreed = signal.aborted || this.shuttingDown ? false : await this.deps.confirm(rt.pair, question, signal).catch(() => false);
    rt.asking = false;
    rt.question = null;
    rt.declined = !agreed || signal.aborted;
    return rt.declined ? { kind: 'declined', question } : { kind: 'approved', maxDelete: { count: question.deletes + question.overwrites } };
  }

  /**
   * The run, with its questions first (what this tool did not put in a replica is never deleted without
   * showing it and asking): the summary, or the question the user said no to. Only the real run writes the log.
   */
  private async runAsking(rt: Runtime, options: SyncOptions, stateDir: string, manual: boolean, log: OperationLog): Promise<RunSummary | DeletionQuestion> {
    const { pair } = rt;
    const signal = options.signal ?? new AbortController().signal;
    const firstSync = !hasRecord(stateDir, pair.source, pair.replica) && (await holdsEntries(pair.replica));
    const first = firstSync ? await this.approve(rt, options, 'first-sync', manual, signal) : undefined;
    if (first?.kind === 'declined') return first.question;
    if (first?.kind === 'approved') return this.deps.runSync({ ...options, maxDelete: first.maxDelete, limitOverwrites: true });
    const summary = await this.deps.runSync(options);
    if (summary.refusal?.reason !== 'max-delete') return summary;
    log.writeSummary(summary);
    this.pushLine(rt.activity, summaryLine(summary));
    const over = await this.approve(rt, options, 'over-limit', manual, signal);
    if (over.kind === 'declined') return over.question;
    return over.kind === 'approved' ? this.deps.runSync({ ...options, maxDelete: over.maxDelete, limitOverwrites: true }) : summary;
  }

  private async execute(rt: Runtime, signal: AbortSignal): Promise<RunSummary | undefined> {
    const { pair, activity } = rt;
    const manual = rt.manual;
    rt.manual = false;
    const startedAt = this.now();
    activity.running = true;
    activity.progress = null;
    activity.meter.reset();
    rt.changesPending = false;
    this.changed();
    let last: LastRunView;
    let log: OperationLog | undefined;
    let result: RunSummary | undefined;
    let tell = true;
    try {
      log = this.deps.openLog(pair.logDir);
      const opened = log;
      const stateDir = this.deps.stateDirFor(pair.id);
      const options: SyncOptions = {
        ...pairSyncOptions(pair, stateDir),
        signal,
        onEvent: (event) => {
          opened.write(event);
          this.onEvent(activity, event);
        },
      };
      const outcome = await this.runAsking(rt, options, stateDir, manual, log);
      if ('reason' in outcome) {
        // The user said no (or Stop or quit came first): nothing changed, and they know; no notification.
        const text = declinedText(outcome);
        log.note(text);
        this.pushLine(activity, text);
        last = { finishedAt: this.now(), outcome: 'refused', text, waitingFor: null, unrepresentable: 0 };
        tell = false;
      } else {
        log.writeSummary(outcome, outcome.aborted);
        this.pushLine(activity, summaryLine(outcome, outcome.aborted));
        last = { finishedAt: this.now(), outcome: outcome.status, text: runText(outcome), waitingFor: driveWaitOf(outcome, pair.replica), unrepresentable: outcome.unrepresentable, counts: countsOf(outcome), failures: failuresOf(outcome) };
        result = outcome;
      }
    } catch (error) {
      const message = messageOf(error);
      log?.note(`run failed: ${message}`);
      this.pushLine(activity, `error   run failed: ${message}`);
      last = { finishedAt: this.now(), outcome: 'failed', text: message, waitingFor: null, unrepresentable: 0 };
    } finally {
      log?.close();
    }
    activity.lastRun = last;
    this.deps.history?.add(pair.id, { finishedAt: last.finishedAt, durationMs: Math.max(0, last.finishedAt - startedAt), outcome: last.outcome, text: last.text, ...(last.counts === undefined ? {} : { counts: last.counts }) });
    activity.running = false;
    activity.progress = null;
    this.changed();
    try {
      if (tell) this.deps.onRunFinished?.(pair, last);
    } catch {
      // A failing notification must not break the schedule.
    }
    return result;
  }

  private onEvent(activity: Activity, event: SyncEvent): void {
    if (event.type === 'progress') {
      activity.meter.add(this.now(), event.bytesDone);
      const rate = activity.meter.perSecond() ?? null;
      const parts = progressParts(event, rate ?? undefined);
      activity.progress = {
        filesDone: event.filesDone,
        filesTotal: event.filesTotal,
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
        rate,
        etaSeconds: rate === null || rate <= 0 ? null : Math.max(0, (event.bytesTotal - event.bytesDone) / rate),
        current: parts.file === '' ? null : parts.file,
        text: parts.figures,
      };
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
