/**
 * `--json`: one JSON object per line on stdout for each event of a run, and nothing else on stdout. The field
 * names are a contract (README "JSON output"): add fields, never rename or remove one. Paths are text (json-text.ts
 * says how bytes that are not UTF-8 are written). Errors and the skipped-entry warnings still go to stderr as text,
 * for the person watching.
 */
import type { Action, RunSummary, SyncEvent } from '../engine/index.js';
import { escapeControls, eventLine } from '../shared/log-format.js';
import { jsonText } from './json-text.js';
import type { Reporter, TextSink } from './reporter.js';
import { SkipNotices } from './skip-notices.js';

export interface JsonReporterOptions {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly quiet?: boolean;
  readonly now?: () => number;
}

/** Progress objects at most this often (the engine reports every chunk it copies). */
const PROGRESS_EVERY_MS = 1000;

type JsonAction = Record<string, string | number | boolean>;

export function jsonAction(action: Action): JsonAction {
  const out: JsonAction = { type: action.type, path: jsonText(action.path) };
  switch (action.type) {
    case 'move':
      out.from = jsonText(action.from);
      out.kind = action.kind;
      break;
    case 'copy':
    case 'update':
      out.size = action.size;
      break;
    case 'symlink':
      out.target = jsonText(action.target);
      break;
    case 'chmod':
      out.mode = action.mode.toString(8).padStart(4, '0');
      break;
    case 'skip':
      out.reason = action.reason;
      out.unrepresentable = action.unrepresentable;
      break;
    default:
      break;
  }
  if (action.why !== undefined) out.why = action.why;
  return out;
}

/** The object for one event. */
export function jsonEvent(event: SyncEvent, now: Date): Record<string, unknown> {
  switch (event.type) {
    case 'start':
      return { type: 'start', time: now.toISOString(), source: event.source, replica: event.replica, dryRun: event.dryRun };
    case 'probe':
      return { type: 'probe', traits: event.traits };
    case 'plan':
      return { type: 'plan', actions: event.actions.map(jsonAction) };
    case 'op':
      return {
        type: 'op',
        op: event.op,
        path: jsonText(event.path),
        ...(event.from === undefined ? {} : { from: jsonText(event.from) }),
        ...(event.detail === undefined ? {} : { detail: event.detail }),
      };
    case 'warning':
      return { type: 'warning', message: event.message };
    case 'progress':
      return {
        type: 'progress',
        filesDone: event.filesDone,
        filesTotal: event.filesTotal,
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
        ...(event.current === undefined ? {} : { current: jsonText(event.current) }),
      };
  }
}

/** The summary object: every count of the text summary, and what a script needs besides. */
export function jsonSummary(summary: RunSummary, aborted: boolean, logFile: string | undefined, now: Date): Record<string, unknown> {
  return {
    type: 'summary',
    time: now.toISOString(),
    status: summary.status,
    ...(summary.refusal === undefined ? {} : { refusal: { reason: summary.refusal.reason, message: summary.refusal.message } }),
    dryRun: summary.dryRun,
    aborted: aborted || summary.aborted,
    copied: summary.copied,
    updated: summary.updated,
    moved: summary.moved,
    deleted: summary.deleted,
    created: summary.created,
    metadata: summary.metadata,
    skipped: summary.skipped,
    unrepresentable: summary.unrepresentable,
    errors: summary.errors,
    bytesCopied: summary.bytesCopied,
    undone: summary.undone,
    durationMs: summary.durationMs,
    failures: summary.failures.map((f) => ({ path: jsonText(f.path), message: f.message, ...(f.code === undefined ? {} : { code: f.code }) })),
    stats: summary.stats ?? null,
    log: logFile ?? null,
  };
}

export class JsonReporter implements Reporter {
  private readonly now: () => number;
  private readonly skips = new SkipNotices();
  private lastProgressAt = 0;

  constructor(private readonly options: JsonReporterOptions) {
    this.now = options.now ?? Date.now;
  }

  handle(event: SyncEvent): void {
    if (event.type === 'start') {
      this.skips.reset();
      this.lastProgressAt = 0;
    }
    if (event.type === 'progress') {
      const now = this.now();
      const last = event.filesDone === event.filesTotal && event.bytesDone === event.bytesTotal;
      if (!last && now - this.lastProgressAt < PROGRESS_EVERY_MS) return;
      this.lastProgressAt = now;
    }
    if (event.type === 'op' && event.op === 'error') this.error(eventLine(event) ?? '');
    if (event.type === 'op' && event.op === 'skip' && this.options.quiet !== true) {
      const line = this.skips.line(event.path, event.detail);
      if (line !== undefined) this.options.stderr.write(`warning: ${line}\n`);
    }
    this.line(jsonEvent(event, new Date()));
  }

  summary(summary: RunSummary, aborted: boolean, logFile: string | undefined): void {
    const more = this.skips.overflow(logFile);
    if (more !== undefined && this.options.quiet !== true) this.options.stderr.write(`warning: ${more}\n`);
    if (summary.status === 'refused') this.error(`refused: ${escapeControls(summary.refusal?.message ?? 'the run was refused for safety')}`);
    this.line(jsonSummary(summary, aborted, logFile, new Date()));
  }

  note(text: string): void {
    this.line({ type: 'note', time: new Date().toISOString(), message: text });
  }

  warn(text: string): void {
    this.line({ type: 'warning', message: text });
  }

  error(text: string): void {
    this.options.stderr.write(`${text}\n`);
  }

  private line(object: Record<string, unknown>): void {
    this.options.stdout.write(`${JSON.stringify(object)}\n`);
  }
}
