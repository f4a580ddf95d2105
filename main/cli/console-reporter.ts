/**
 * What a run shows as text: a start line, progress, a one-line summary (with -v statistics after it); errors and
 * warnings (each skipped entry among them) on stderr; every operation with -v; the plan with --dry-run. -q leaves
 * errors only. No colour is used, so NO_COLOR holds by construction.
 */
import type { Action, RunSummary, SyncEvent } from '../engine/index.js';
import { actionLine, escapeControls, eventLine, summaryLine } from '../shared/log-format.js';
import { progressParts, RateMeter, type ProgressEvent } from '../shared/progress.js';
import { progressLine, REDRAW } from './progress-line.js';
import type { Reporter, TextSink } from './reporter.js';
import { SkipNotices } from './skip-notices.js';
import { statsLines } from './stats-block.js';

export type { TextSink } from './reporter.js';

export interface ReporterOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** On a terminal progress is one line redrawn in place; in a pipe or file a plain line now and then. */
  readonly stdoutIsTty: boolean;
  /** The terminal's width, read at each redraw (it may be resized). */
  readonly columns?: () => number | undefined;
  readonly verbose: boolean;
  /** Statistics after each summary (--stats, -v). */
  readonly stats?: boolean;
  readonly quiet?: boolean;
  readonly now?: () => number;
}

/** A terminal redraws the line at most this often: more is flicker and CPU, not information. */
const REDRAW_EVERY_MS = 200;
/** Piped output gets a progress line at most this often, and not before a run has lasted this long. */
export const PIPED_PROGRESS_EVERY_MS = 5000;

/** Local time, to the second: what a person comparing with the clock on the wall wants. */
export function timestamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

export class ConsoleReporter implements Reporter {
  private readonly now: () => number;
  private readonly rate = new RateMeter();
  private readonly skips = new SkipNotices();
  private runStartedAt = 0;
  private lastProgressAt = -Infinity;
  /** A progress line is on the terminal and must be erased before anything else is written. */
  private progressShown = false;
  private dryRun = false;
  private planPrinted = false;
  private errorDetails = new Set<string>();

  constructor(private readonly options: ReporterOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A line on stdout, unless -q. */
  out(text: string): void {
    if (this.options.quiet === true) return;
    this.clearProgress();
    this.options.stdout.write(`${text}\n`);
  }

  /** A line on stderr, always. */
  err(text: string): void {
    this.clearProgress();
    this.options.stderr.write(`${text}\n`);
  }

  note(text: string): void {
    this.out(text);
  }

  warn(text: string): void {
    if (this.options.quiet !== true) this.err(`warning: ${text}`);
  }

  error(text: string): void {
    this.err(text);
  }

  handle(event: SyncEvent): void {
    switch (event.type) {
      case 'start':
        this.startRun(event.dryRun);
        this.out(
          `${timestamp(new Date())} sync started: ${escapeControls(event.source)} -> ${escapeControls(event.replica)}` +
            (event.dryRun ? ' (dry run: nothing will be changed)' : ''),
        );
        return;
      case 'plan':
        if (this.dryRun) this.printPlan(event.actions);
        return;
      case 'progress':
        this.progress(event);
        return;
      case 'warning':
        this.warn(escapeControls(event.message));
        return;
      case 'probe':
        if (this.options.verbose) this.out(eventLine(event) ?? '');
        return;
      case 'op':
        this.operation(event);
        return;
    }
  }

  summary(summary: RunSummary, aborted: boolean, logFile: string | undefined): void {
    if (summary.dryRun && !this.planPrinted && summary.actions !== undefined) this.printPlan(summary.actions);
    // The engine may have reported the refusal as an error event already; say it once.
    const refusal = summary.refusal?.message ?? 'the run was refused for safety';
    if (summary.status === 'refused' && !this.errorDetails.has(refusal)) this.err(`refused: ${escapeControls(refusal)}`);
    const more = this.skips.overflow(logFile);
    if (more !== undefined) this.warn(more);
    this.out(summaryLine(summary, aborted));
    if (this.options.stats ?? this.options.verbose) for (const line of statsLines(summary)) this.out(line);
  }

  private startRun(dryRun: boolean): void {
    this.runStartedAt = this.now();
    this.lastProgressAt = -Infinity;
    this.dryRun = dryRun;
    this.planPrinted = false;
    this.errorDetails.clear();
    this.skips.reset();
    this.rate.reset();
  }

  private operation(event: Extract<SyncEvent, { type: 'op' }>): void {
    if (event.op === 'error') {
      if (event.path === '' && event.detail !== undefined) this.errorDetails.add(event.detail);
      this.err(eventLine(event) ?? '');
      return;
    }
    if (event.op === 'skip') {
      const line = this.skips.line(event.path, event.detail);
      if (line !== undefined) this.warn(line);
    }
    // In a dry run the plan has been printed already; operations, if any are reported, would repeat it.
    if (this.options.verbose && !this.dryRun) this.out(eventLine(event) ?? '');
  }

  private printPlan(actions: readonly Action[]): void {
    this.planPrinted = true;
    for (const action of actions) this.out(actionLine(action));
  }

  private progress(event: ProgressEvent): void {
    if (this.options.quiet === true) return;
    const now = this.now();
    this.rate.add(now, event.bytesDone);
    if (this.options.stdoutIsTty) {
      if (now - this.lastProgressAt < REDRAW_EVERY_MS) return;
      this.lastProgressAt = now;
      const line = progressLine(progressParts(event, this.rate.perSecond()), (this.options.columns?.() ?? 80) - 1);
      this.options.stdout.write(`${REDRAW}${line}`);
      this.progressShown = true;
      return;
    }
    if (now - this.runStartedAt < PIPED_PROGRESS_EVERY_MS || now - this.lastProgressAt < PIPED_PROGRESS_EVERY_MS) return;
    this.lastProgressAt = now;
    this.out(`progress ${progressLine(progressParts(event, this.rate.perSecond()))}`);
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.progressShown = false;
    this.options.stdout.write(REDRAW);
  }
}
