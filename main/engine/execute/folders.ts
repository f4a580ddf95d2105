/** New folders in the replica: made 0o700 (their mode and mtime are set last, once everything inside is done). */
import { parentOf } from '../fs/paths.js';
import { isFolder } from '../fs/tree.js';
import { codeOf, type RunState } from './run-state.js';

export async function makeFolder(state: RunState, rel: string): Promise<void> {
  try {
    await state.inWritableParent(rel, () => state.replica.mkdir(rel, 0o700));
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
    const stat = state.replica.lstat(rel);
    if (stat === undefined || !isFolder(stat)) throw error;
    return;
  }
  state.counts.created += 1;
  state.markChanged(rel);
  state.markFolderMode(rel);
  state.done(rel);
  state.emit({ type: 'op', op: 'mkdir', path: rel });
}

/** Makes missing folders above `rel` (a folder move or case rename may land below new folders). */
export async function ensureParent(state: RunState, rel: string): Promise<void> {
  const parent = parentOf(rel);
  if (parent === '') return;
  const stat = state.replica.lstat(parent);
  if (stat !== undefined && isFolder(stat)) return;
  await ensureParent(state, parent);
  await makeFolder(state, parent);
}
