/**
 * Which deletions may run while the run writes (mkdirs, moves into place, copies), and which must come first.
 *
 * A deletion and a write are independent when neither path is the other or inside the other, compared as the
 * replica compares names (folded on a case-insensitive drive): then no order between them can change the result.
 * Deleting is mostly waiting on the disk (on ext4 mounted `discard`, each unlink waits for the device), so an
 * incremental run's many deletions cost little once they overlap its copies instead of preceding them.
 */
import { ancestorIn, parentOf } from '../fs/paths.js';
import type { Action } from '../types.js';

export type Deletion = Extract<Action, { type: 'delete' | 'rmdir' }>;

export function isDeletion(action: Action): action is Deletion {
  return action.type === 'delete' || action.type === 'rmdir';
}

export interface DeletionSplit {
  /** In plan order, before anything is written: the deletions some write depends on (or that depend on one). */
  readonly first: Deletion[];
  /** Files, symlinks and other non-folders no write touches: in no particular order, many at once. */
  readonly files: Deletion[];
  /** Folders no write touches, in plan order (contents first), once `files` are all gone. */
  readonly folders: Deletion[];
}

/** Paths the run writes at, creates or empties; a move's old path too, to keep moves strictly before. */
function writtenPaths(action: Action): string[] {
  switch (action.type) {
    case 'mkdir':
    case 'copy':
    case 'update':
    case 'symlink':
      return [action.path];
    case 'move':
      return [action.path, action.from];
    default:
      return [];
  }
}

export function splitDeletions(actions: readonly Action[], keyOf: (rel: string) => string = (rel) => rel): DeletionSplit {
  const deletions = actions.filter(isDeletion);
  if (deletions.length === 0) return { first: [], files: [], folders: [] };
  const written = new Set<string>();
  const aboveWritten = new Set<string>();
  for (const action of actions) {
    for (const rel of writtenPaths(action)) {
      const key = keyOf(rel);
      written.add(key);
      // Stopping at a known ancestor is enough: its own ancestors went in with it.
      for (let dir = parentOf(key); dir !== '' && !aboveWritten.has(dir); dir = parentOf(dir)) aboveWritten.add(dir);
    }
  }
  const keys = deletions.map((deletion) => keyOf(deletion.path));
  const conflicts = new Set<string>();
  for (const key of keys) {
    if (written.has(key) || aboveWritten.has(key) || ancestorIn(key, written) !== undefined) conflicts.add(key);
  }
  const split: DeletionSplit = { first: [], files: [], folders: [] };
  for (const [i, deletion] of deletions.entries()) {
    const key = keys[i]!;
    // A folder that must go first takes everything inside it along: its rmdir needs its contents gone before it.
    if (conflicts.has(key) || (conflicts.size > 0 && ancestorIn(key, conflicts) !== undefined)) split.first.push(deletion);
    else if (deletion.type === 'rmdir') split.folders.push(deletion);
    else split.files.push(deletion);
  }
  return split;
}
