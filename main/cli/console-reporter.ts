/**
 * What a run shows on the terminal: a start line, throttled progress on long runs, a one-line summary;
 * errors and warnings on stderr; every operation with -v; the plan with --dry-run.
 */
import type { Action, RunSummary, SyncEvent } from '../engine/index.js';
import { actionLine, escapeControls, eventLine, formatBytes, summaryLine } from '../shared/log-format.js';

export interface TextSink {
  write(text: string): unknown;
}

export interface ReporterOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Progress shows from the start on a terminal; in a pipe or file only once a run has lasted this long. */
  readonly stdoutIsTty: boolean;
  readonly verbose: boolean;
  readonly now?: () => number;
}

const PROGRESS_EVERY_MS = 1000;
const PROGRESS_AFTER_MS_WHEN_PIPED = 2000;

/** Local time, to the second: what a person comparing with the clock on the wall wants. */
export function timestamp(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

export class ConsoleReporter {
  private readonly now: () => number;
  private runStartedAt = 0;
  private lastProgressAt = 0;
  private dryRun = false;
  private planPrinted = false;
  private errorDetails = new Set<string>();

  constructor(private readonly options: ReporterOptions) {
    this.now = options.now ?? Date.now;
  }

  out(text: string): void {
    this.options.stdout.write(`${text}\n`);
  }

  err(text: string): void {
    this.options.stderr.write(`${text}\n`);
  }

  handle(event: SyncEvent): void {
    switch (event.type) {
      case 'start':
        this.runStartedAt = this.now();
        this.lastProgressAt = this.runStartedAt;
        this.dryRun = event.dryRun;
        this.planPrinted = false;
        this.errorDetails.clear();
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
        this.err(`warning: ${escapeControls(event.message)}`);
        return;
      case 'probe':
        if (this.options.verbose) this.out(eventLine(event) ?? '');
        return;
      case 'op':
        if (event.op === 'error') {
          if (event.path === '' && event.detail !== undefined) this.errorDetails.add(event.detail);
          this.err(eventLine(event) ?? '');
        }
        // In a dry run the plan has been printed already; operations, if any are reported, would repeat it.
        else if (this.options.verbose && !this.dryRun) this.out(eventLine(event) ?? '');
        return;
    }
  }

  summary(summary: RunSummary, aborted = false): void {
    if (summary.dryRun && !this.planPrinted && summary.actions !== undefined) this.printPlan(summary.actions);
    // The engine may have reported the refusal as an error event already; say it once.
    const refusal = summary.refusal?.message ?? 'the run was refused for safety';
    if (summary.status === 'refused' && !this.errorDetails.has(refusal)) this.err(`refused: ${escapeControls(refusal)}`);
    this.out(summaryLine(summary, aborted));
  }

  private printPlan(actions: readonly Action[]): void {
    this.planPrinted = true;
    for (const action of actions) this.out(actionLine(action));
  }

  private progress(event: Extract<SyncEvent, { type: 'progress' }>): void {
    const now = this.now();
    if (now - this.lastProgressAt < PROGRESS_EVERY_MS) return;
    if (!this.options.stdoutIsTty && now - this.runStartedAt < PROGRESS_AFTER_MS_WHEN_PIPED) return;
    this.lastProgressAt = now;
    const percent = event.bytesTotal > 0 ? ` (${Math.floor((event.bytesDone / event.bytesTotal) * 100)}%)` : '';
    this.out(
      `progress ${event.filesDone}/${event.filesTotal} files, ` +
        `${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)}${percent}`,
    );
  }
}
