/**
 * Moves in the replica: folders first, one rename each; then files, every one set aside in a staging folder before
 * any is put in place, so that swaps, chains and cycles of renames never overwrite each other.
 */
import { folderRenameKeepsContents } from '../fs/probe.js';
import { caseKey } from '../fs/names.js';
import { RESERVED_PREFIX } from '../fs/paths.js';
import { childOf, isFile, isFolder } from '../fs/tree.js';
import type { Action } from '../types.js';
import { ensureParent } from './folders.js';
import { settleMtime } from './metadata.js';
import { codeOf, siblingTemp, tempName, type RunState } from './run-state.js';

export type Move = Extract<Action, { type: 'move' }>;

const STAGING = `${RESERVED_PREFIX}staging`;

function finishMove(state: RunState, move: Move): void {
  state.counts.moved += 1;
  state.markChanged(move.from);
  state.markChanged(move.path);
  if (move.kind === 'dir') state.dirtyDirs.add(move.path);
  state.emit({ type: 'op', op: 'move', path: move.path, from: move.from });
}

export async function moveFolder(state: RunState, move: Move): Promise<void> {
  await ensureParent(state, move.path);
  await state.inWritableParent(move.path, () => renameFolder(state, move.from, move.path));
  finishMove(state, move);
}

/**
 * A folder move is one rename, except on a drive whose folder rename loses what is inside (fusefat: the folder
 * arrives empty and its files are gone). There the folder is rebuilt entry by entry: files still rename fine.
 */
function renameFolder(state: RunState, from: string, to: string): void {
  if (state.folderRenamesKeepContents === undefined) {
    state.folderRenamesKeepContents = folderRenameKeepsContents(state.replica);
    state.dirtyDirs.add(''); // the check's temporary folder came and went in the replica root
  }
  if (state.folderRenamesKeepContents) {
    state.replica.rename(from, to);
    return;
  }
  if (caseKey(from) === caseKey(to)) {
    // On a case-insensitive drive `to` is `from` itself: go through a temporary name.
    const temp = siblingTemp(to);
    moveFolderByParts(state, from, temp);
    moveFolderByParts(state, temp, to);
  } else {
    moveFolderByParts(state, from, to);
  }
}

function moveFolderByParts(state: RunState, from: string, to: string): void {
  const replica = state.replica;
  replica.mkdir(to, 0o700);
  state.markFolderMode(to);
  for (const name of replica.readDir(from)) {
    const child = childOf(from, name);
    const target = childOf(to, name);
    const stat = replica.lstat(child);
    if (stat !== undefined && isFolder(stat)) {
      moveFolderByParts(state, child, target);
    } else {
      replica.rename(child, target);
      // The same drive re-stamps mtimes on rename: give the final name its source mtime back.
      if (state.input.wanted.has(target)) state.after.set(target, settleMtime(state, target));
    }
  }
  replica.rmdir(from);
}

/** Every moved file goes aside first; returns the moves with their staged names, to put in place later. */
export async function stageFileMoves(state: RunState, moves: readonly Move[]): Promise<Array<[Move, string]>> {
  if (moves.length === 0) return [];
  try {
    state.replica.mkdir(STAGING, 0o700);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
  }
  const staged: Array<[Move, string]> = [];
  for (const move of moves) {
    const temp = `${STAGING}/${tempName()}`;
    await state.guard(move, async () => {
      await state.inWritableParent(move.from, () => state.replica.rename(move.from, temp));
      state.markChanged(move.from);
      staged.push([move, temp]);
    });
    if (staged.at(-1)?.[0] === move) state.notDone.add(move.path); // done only once it is in place
  }
  return staged;
}

export async function placeStagedMove(state: RunState, move: Move, temp: string): Promise<void> {
  await ensureParent(state, move.path);
  const trash = state.input.trash;
  const there = state.replica.lstat(move.path);
  // A file moved over another: keep the one it replaces.
  if (trash !== undefined && there !== undefined && isFile(there)) trash.put(state.replica, move.path);
  await state.inWritableParent(move.path, () => state.replica.rename(temp, move.path));
  finishMove(state, move);
  state.after.set(move.path, settleMtime(state, move.path));
}

export function removeStaging(state: RunState): void {
  try {
    state.replica.removeAll(STAGING);
  } catch {
    // Left for the next run, which removes leftovers with the reserved prefix.
  }
}
