/**
 * Modes and mtimes: planned chmods and touches of files and links, the mtime put back where a drive re-stamped
 * it on rename, and — last, deepest first — the mode and mtime of every folder whose contents changed; after the
 * run, the replica root's mtime given back where the probe touched it.
 */
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { kindOfStat, type Tree } from '../fs/tree.js';
import { mirroredMode, mtimeNear } from '../plan/identity.js';
import type { Action, Entry, ReplicaState } from '../types.js';
import { describe, codeOf, type Counts, type RunState } from './run-state.js';

/** Synchronous stretches let the event loop in this often: an incremental run restamps thousands of folders. */
const YIELD_EVERY = 256;

function stateAt(state: RunState, rel: string, fallback: ReplicaState): ReplicaState {
  const stat = state.replica.lstat(rel);
  return stat === undefined ? fallback : { kind: kindOfStat(stat), mtimeMs: stat.mtimeMs };
}

/** Some file systems (fusefat) re-stamp a file's mtime on rename: set it again where it did not stick. */
export function settleMtime(state: RunState, rel: string): ReplicaState {
  const stat = state.replica.lstat(rel);
  if (stat === undefined) throw new Error('vanished right after it was written');
  const src = state.input.wanted.get(rel);
  const kind = kindOfStat(stat);
  if (src !== undefined && kind !== 'dir' && !mtimeNear(stat.mtimeMs, src.mtimeMs, state.input.tolerance)) {
    state.replica.setMtime(rel, src.mtimeMs);
    return stateAt(state, rel, { kind, mtimeMs: src.mtimeMs });
  }
  return { kind, mtimeMs: stat.mtimeMs };
}

export function fixMetadata(state: RunState, action: Extract<Action, { type: 'chmod' | 'touch' }>): void {
  const src = state.sourceEntry(action.path);
  if (src.kind === 'dir') {
    // Folders get their mode and mtime last, after everything inside them changed.
    state.dirtyDirs.add(action.path);
    if (action.type === 'chmod') state.modeDirs.add(action.path);
    return;
  }
  if (action.type === 'chmod') state.replica.chmod(action.path, mirroredMode(src.mode));
  else state.replica.setMtime(action.path, src.mtimeMs);
  state.after.set(action.path, stateAt(state, action.path, src));
  state.counts.metadata += 1;
  state.emit({ type: 'op', op: action.type, path: action.path });
}

/** Folders whose contents changed get the source's mode and mtime back, deepest first. */
export async function restampFolders(state: RunState): Promise<void> {
  const { input, replica } = state;
  const dirs = [...state.dirtyDirs].sort((a, b) => b.length - a.length);
  for (const [i, rel] of dirs.entries()) {
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEvents();
    if (state.fatal !== undefined || state.hasFailed(rel)) continue;
    const src = rel === '' ? input.sourceRootEntry : input.wanted.get(rel);
    if (src === undefined || src.kind !== 'dir') continue;
    // A drive's root folder has no timestamps on FAT and exFAT (no directory entry holds them), and fusefat
    // dies when asked to set them (ECONNABORTED: the drive is gone until remounted). A mount's root keeps its own.
    if (rel === '' && input.replicaIsMountRoot) continue;
    try {
      if (rel !== '' && input.traits.modes && state.modeDirs.has(rel)) replica.chmod(rel, mirroredMode(src.mode));
      replica.setMtime(rel, src.mtimeMs);
      if (rel !== '') state.after.set(rel, stateAt(state, rel, src));
      state.notDone.delete(rel);
    } catch (error) {
      state.error(rel, describe(error), codeOf(error));
      state.notDone.add(rel);
    }
  }
}

/**
 * The probe's temporary folder touched the replica root's mtime; a run that changed nothing else there gives it back
 * the source's. fusefat fails (and drops the drive) when asked to stamp its root; FAT and exFAT roots keep no times.
 */
export function restoreRootMtime(probed: boolean, isMountRoot: boolean, counts: Counts, replica: Tree, sourceRoot: Entry): void {
  const changedRoot = counts.created + counts.copied + counts.deleted + counts.moved > 0;
  if (probed && !changedRoot && !isMountRoot) replica.setMtime('', sourceRoot.mtimeMs);
}
