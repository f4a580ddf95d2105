/**
 * What the app asks before a run that would destroy what the user may want (the first sync into a replica that
 * already holds files, or a run over the pair's deletion limit): the plan's deletions and overwrites counted and
 * named in words, "will delete 42 items, including Family photos 2019/ and wedding-video.mp4". Plain data and
 * text only; the shell shows it (a message box) and the controller waits for the answer.
 */
import type { Action } from '../engine/index.js';
import type { PairSettings } from '../shared/ipc-contract.js';
import { showPath } from '../shared/log-format.js';
import { pairLabel } from './pair-label.js';

export type QuestionReason = 'first-sync' | 'over-limit';

export interface DeletionQuestion {
  readonly reason: QuestionReason;
  /** Files, links and folders the run would delete (each counted, as the deletion limit counts them). */
  readonly deletes: number;
  /** Files the run would replace with the source's version. */
  readonly overwrites: number;
  /** The first few topmost deletions (a folder as "name/", not each file in it), shown text. */
  readonly deleteExamples: readonly string[];
  readonly overwriteExamples: readonly string[];
}

const EXAMPLES = 3;

/** Examples in name order, so the same plan is always worded the same. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parentsOf(p: string): string[] {
  const parts = p.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

export function questionFromPlan(actions: readonly Action[], reason: QuestionReason): DeletionQuestion {
  const removed = actions.filter((a) => a.type === 'delete' || a.type === 'rmdir');
  const folders = new Set(removed.filter((a) => a.type === 'rmdir').map((a) => a.path));
  // Inside a deleted folder, its own name says enough.
  const topmost = removed.filter((a) => !parentsOf(a.path).some((parent) => folders.has(parent)));
  const overwritten = actions.filter((a) => a.type === 'update' || (a.type === 'symlink' && a.replace));
  return {
    reason,
    deletes: removed.length,
    overwrites: overwritten.length,
    deleteExamples: topmost.map((a) => `${showPath(a.path)}${a.type === 'rmdir' ? '/' : ''}`).sort(byName).slice(0, EXAMPLES),
    overwriteExamples: overwritten.map((a) => showPath(a.path)).sort(byName).slice(0, EXAMPLES),
  };
}

/** Whether there is anything to ask about: creating and copying lose nothing. */
export function destroysSomething(question: DeletionQuestion): boolean {
  return question.deletes > 0 || question.overwrites > 0;
}

function list(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "delete 42 items, including A and B" or, when all are named, "delete 2 items: A and B". */
function clause(verb: string, count: number, one: string, many: string, examples: readonly string[]): string {
  const head = `${verb} ${plural(count, one, many)}`;
  if (examples.length === 0) return head;
  return count > examples.length ? `${head}, including ${list(examples)}` : `${head}: ${list(examples)}`;
}

/** The sentence of the plan: "This sync will delete 42 items, including …, and overwrite 1 file: notes.txt." */
export function planSentence(question: DeletionQuestion): string {
  const parts = [
    question.deletes > 0 ? clause('delete', question.deletes, 'item', 'items', question.deleteExamples) : null,
    question.overwrites > 0 ? clause('overwrite', question.overwrites, 'file', 'files', question.overwriteExamples) : null,
  ].filter((part) => part !== null);
  return `This sync will ${parts.join(', and ')}.`;
}

export const GO_AHEAD = 'Delete and sync';
export const HOLD_BACK = 'Don’t sync';

/** The message box's words: a headline, then the plan and where deleted files go. */
export function questionWords(question: DeletionQuestion, pair: PairSettings): { readonly message: string; readonly detail: string } {
  const message =
    question.reason === 'first-sync'
      ? `The replica "${pair.replica}" already holds files that are not in the source.`
      : `Syncing ${pairLabel(pair)} would delete or overwrite more than its limit of ${pair.maxDelete}.`;
  const kept = pair.trash.enabled
    ? `Deleted and overwritten files are kept in "${pair.trash.dir}" for ${plural(pair.trash.keepDays, 'day', 'days')}.`
    : 'They are gone for good: "Keep deleted and overwritten files" is off for this pair.';
  return { message, detail: `${planSentence(question)} ${kept} Nothing is changed unless you choose "${GO_AHEAD}".` };
}

/** What a pair shows after the user said no: nothing changed, and how to be asked again. */
export function declinedText(question: DeletionQuestion): string {
  return `Not synced: you chose not to let it ${planSentence(question).replace(/^This sync will /, '').replace(/\.$/, '')}. Nothing was changed; "Sync now" asks again.`;
}
