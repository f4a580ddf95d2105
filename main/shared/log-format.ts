/**
 * How a run is written as text: one line per operation, start and summary lines. Shared by the log file, the
 * console (`-v`, `--dry-run`) and later the tray, so an operation reads the same everywhere. Plain text only.
 */
import { type Action, display, formatBytes, type RunSummary, type SyncEvent } from '../engine/index.js';

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };
/** Exactly the characters escapeChar changes. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const NEEDS_ESCAPE = /[\x00-\x1f\x7f-\x9f\\\u2028\u2029]/;

/**
 * Escapes control characters (and the backslash, so the escape is unambiguous): a file name may hold a
 * newline, and one operation must stay one line in the log and on the console.
 */
export function escapeControls(text: string): string {
  // Almost every name needs nothing escaped: one regex test instead of a string built a character at a time
  // (a first mirror logs 100,000 lines).
  if (!NEEDS_ESCAPE.test(text)) return text;
  let out = '';
  for (const ch of text) out += escapeChar(ch);
  return out;
}

function escapeChar(ch: string): string {
  const known = ESCAPES[ch];
  if (known !== undefined) return known;
  const code = ch.codePointAt(0) ?? 0;
  const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
  if (control) return `\\x${code.toString(16).padStart(2, '0')}`;
  // Unicode's line and paragraph separators end a line in some viewers.
  if (code === 0x2028 || code === 0x2029) return `\\u${code.toString(16)}`;
  return ch;
}

/** A byte-string path from the engine as one line of readable text. */
export function showPath(bytes: string): string {
  return escapeControls(display(bytes));
}

function opLine(op: string, path: string, from?: string, detail?: string): string {
  const where = from === undefined ? showPath(path) : `${showPath(from)} -> ${showPath(path)}`;
  const hasDetail = detail !== undefined && detail !== '';
  // An error about the whole run (a refusal) names no entry: the detail is the line.
  if (where === '') return `${op.padEnd(7)} ${hasDetail ? escapeControls(detail) : ''}`.trimEnd();
  const note = !hasDetail ? '' : op === 'error' ? `: ${escapeControls(detail)}` : ` (${escapeControls(detail)})`;
  return `${op.padEnd(7)} ${where}${note}`;
}

/** What an action does besides its path (a link's target, a mode, a skip's reason), then why it was planned. */
function actionDetail(action: Action): string | undefined {
  const what =
    action.type === 'symlink' ? `-> ${display(action.target)}` : action.type === 'chmod' ? action.mode.toString(8).padStart(4, '0') : action.type === 'skip' ? action.reason : undefined;
  const parts = [what, action.why].filter((part): part is string => part !== undefined && part !== '');
  return parts.length === 0 ? undefined : parts.join('; ');
}

/**
 * One planned action as a line (`--dry-run`, the log's `would` lines), with why it was planned, as rsync's
 * --itemize-changes says it: `update  docs/a.txt (size changed)`, `move    a -> b (same file (inode))`.
 */
export function actionLine(action: Action): string {
  return opLine(action.type, action.path, action.type === 'move' ? action.from : undefined, actionDetail(action));
}

/** The line for an event, or undefined for events that are not written as lines (plan, progress). */
export function eventLine(event: SyncEvent): string | undefined {
  switch (event.type) {
    case 'start':
      return `start   ${escapeControls(event.source)} -> ${escapeControls(event.replica)}${event.dryRun ? ' (dry run)' : ''}`;
    case 'probe':
      return `replica ${escapeControls(event.traits.summary)}`;
    case 'op':
      return opLine(event.op, event.path, event.from, event.detail);
    case 'warning':
      return `warning ${escapeControls(event.message)}`;
    case 'plan':
    case 'progress':
      return undefined;
  }
}

export { formatBytes };

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours} h ${minutes} min ${rest} s` : `${minutes} min ${rest} s`;
}

/** The one-line summary of a run, for the console and the log; `aborted` when it was stopped part-way. */
export function summaryLine(summary: RunSummary, aborted = false): string {
  if (summary.status === 'refused') {
    return `summary refused (${summary.refusal?.reason ?? 'safety'}) after ${formatDuration(summary.durationMs)}: nothing changed`;
  }
  const verb = aborted ? 'aborted after' : summary.dryRun ? 'dry run done in' : 'done in';
  const head = `${verb} ${formatDuration(summary.durationMs)}`;
  const counts = [
    `${summary.copied} copied`,
    `${summary.updated} updated`,
    `${summary.moved} moved`,
    `${summary.deleted} deleted`,
    `${formatBytes(summary.bytesCopied)}`,
    `${summary.errors} error${summary.errors === 1 ? '' : 's'}`,
  ];
  if (summary.unrepresentable > 0) counts.push(`not representable on the replica: ${summary.unrepresentable}`);
  return `summary ${head}: ${counts.join(', ')}`;
}
