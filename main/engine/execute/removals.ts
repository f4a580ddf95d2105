/**
 * Deletions in the replica. Those some write depends on (or that depend on one) run first, in plan order; the rest
 * (deletion-split.ts) run while the writes run: files several at once, then folders in order, contents first.
 * --trash moves each deleted file into the run's trash folder instead. Before any of it, what a killed run left
 * behind is removed.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { mountPointsBelow } from '../fs/mount-points.js';
import { caseKey } from '../fs/names.js';
import { display } from '../fs/paths.js';
import { isFolder, type Tree } from '../fs/tree.js';
import type { SyncEvent } from '../types.js';
import { isDeletion, splitDeletions, type Deletion, type DeletionSplit } from './deletion-split.js';
import { codeOf, type RunState } from './run-state.js';

const FOUND_A_FOLDER = 'expected a file here, found a folder; left alone';
/** Synchronous stretches let the event loop in this often: signals, quit, progress, the copy workers' replies. */
const YIELD_EVERY = 64;
/**
 * Files no write depends on, deleted at once: an unlink mostly waits on the file system (its journal, a FUSE
 * daemon), and one at a time that wait was most of an incremental run's time in this thread.
 */
const FILES_IN_FLIGHT = 4;

/** --trash moves each deleted file into one folder per run: those stay one at a time, in plan order. */
export function deletionsOf(state: RunState): DeletionSplit {
  const { actions, trash, traits } = state.input;
  if (trash) return { first: actions.filter(isDeletion), files: [], folders: [] };
  return splitDeletions(actions, traits.caseSensitive ? undefined : caseKey);
}

export async function removeInOrder(state: RunState, deletions: readonly Deletion[]): Promise<void> {
  for (const [i, action] of deletions.entries()) {
    await state.guard(action, () => remove(state, action));
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEvents();
  }
}

/** The deletions no write depends on: files, in any order, then folders (in plan order, contents first). */
export async function removeAlongside(state: RunState, split: DeletionSplit): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < split.files.length) {
      const action = split.files[next++]!;
      await state.guard(action, () => remove(state, action));
    }
  };
  await Promise.all(Array.from({ length: FILES_IN_FLIGHT }, lane));
  await removeInOrder(state, split.folders);
}

/**
 * One deletion: the entry at the path, if still there and still of the planned kind. unlinkat and unlinkat with
 * AT_REMOVEDIR act on the entry itself, never through a link, in a parent opened without following any.
 */
async function remove(state: RunState, action: Deletion): Promise<void> {
  const replica = state.replica;
  const stat = replica.lstat(action.path);
  if (stat !== undefined) {
    if (action.type === 'rmdir') {
      if (!isFolder(stat)) throw new Error('expected a folder here, found something else; left alone');
      await state.inWritableParent(action.path, () => replica.rmdir(action.path));
    } else {
      if (isFolder(stat)) throw new Error(FOUND_A_FOLDER);
      const trash = state.input.trash;
      await state.inWritableParent(action.path, () => (trash ? trash.put(replica, action.path) : unlinkFile(state, action.path)));
    }
    state.counts.deleted += 1;
    state.markChanged(action.path);
  }
  state.emit({ type: 'op', op: action.type, path: action.path });
}

/** unlink(2) itself refuses a folder (EISDIR): one that took the file's place since the lstat is left alone. */
async function unlinkFile(state: RunState, rel: string): Promise<void> {
  try {
    await state.replica.unlinkAsync(rel);
  } catch (error) {
    if (codeOf(error) === 'EISDIR') throw new Error(FOUND_A_FOLDER);
    if (codeOf(error) !== 'ENOENT') throw error;
  }
}

/**
 * Temp files, staging and probe folders a killed run left behind (the reserved prefix): removed before anything
 * else. One that holds a mount point (another drive, a tmpfs, a bind mount: mountinfo knows them all) is left
 * alone with a warning: removing it would delete what lies on that other mount, as no replica operation may.
 */
export function removeLeftovers(replica: Tree, reserved: readonly string[], emit: (event: SyncEvent) => void): void {
  if (reserved.length === 0) return;
  const mounts = mountPointsBelow(replica.rootFd);
  for (const rel of reserved) {
    // The scan runs alongside this run's own probe, whose temporary folder it may list: gone by now, not a leftover.
    if (replica.lstat(rel) === undefined) continue;
    const mount = [...mounts].find((m) => m === rel || m.startsWith(`${rel}/`));
    if (mount !== undefined) {
      emit({ type: 'warning', message: `"${display(rel)}", left by an earlier run, holds the mount point "${display(mount)}"; left alone.` });
      continue;
    }
    replica.removeAll(rel);
    emit({ type: 'op', op: 'cleanup', path: rel });
  }
}
