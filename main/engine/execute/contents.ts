/**
 * File contents and symlinks: symlinks here, one at a time (a link made under a temp name, stamped, renamed into
 * place); files through the copy pool (copy-pool.ts: small ones on libuv's pool with the addon, the rest in workers), each
 * copy atomic (copy-file.ts, copy-native.ts).
 */
import { kindOfStat } from '../fs/tree.js';
import { mirroredMode } from '../plan/identity.js';
import type { Action, ReplicaState } from '../types.js';
import { copyFileAtomicSync, type CopyJob, type CopyOutcome, type CopyTrees } from './copy-file.js';
import type { CopyPool } from './copy-pool.js';
import type { Progress } from './progress.js';
import { siblingTemp, type RunState } from './run-state.js';

type Copy = Extract<Action, { type: 'copy' | 'update' }>;
type Symlink = Extract<Action, { type: 'symlink' }>;

export function isCopy(action: Action): action is Copy {
  return action.type === 'copy' || action.type === 'update';
}

export async function writeContents(state: RunState, actions: readonly Action[], pool: CopyPool, progress: Progress, trees: CopyTrees): Promise<void> {
  for (const action of actions) {
    if (action.type === 'symlink') await state.guard(action, () => makeSymlink(state, action));
  }
  const retry: Copy[] = [];
  await pool.run(
    { items: actions.filter(isCopy), jobOf: (action) => jobUnlessBlocked(state, action) },
    {
      done: (action, outcome) => {
        if (!outcome.ok && (outcome.code === 'EACCES' || outcome.code === 'EPERM')) retry.push(action);
        else finishCopy(state, progress, action, outcome);
      },
      bytes: (action, bytesSoFar) => progress.copying(action.path, bytesSoFar),
      shouldStop: () => state.stopped,
    },
  );
  // Read-only replica folders (mirrored from read-only source folders) are opened up and the copy tried again.
  for (const action of retry) {
    await state.guard(action, async () => {
      const outcome = await state.inWritableParent(action.path, () => {
        const result = copyFileAtomicSync(copyJob(state, action), trees);
        if (!result.ok && !result.changed) throw Object.assign(new Error(result.message), { code: result.code });
        return result;
      });
      finishCopy(state, progress, action, outcome);
    });
  }
}

function jobUnlessBlocked(state: RunState, action: Copy): CopyJob | undefined {
  const blocked = state.blockedBy(action.path);
  if (blocked === undefined) return copyJob(state, action);
  state.notAttempted(action.path, blocked);
  return undefined;
}

function copyJob(state: RunState, action: Copy): CopyJob {
  const src = state.sourceEntry(action.path);
  return {
    rel: action.path,
    temp: siblingTemp(action.path),
    size: src.size,
    mtimeMs: src.mtimeMs,
    ctimeMs: src.ctimeMs,
    ino: src.ino,
    birthtimeMs: src.birthtimeMs,
    mode: mirroredMode(src.mode),
    setMode: state.input.traits.modes,
    tolerance: state.input.tolerance,
    keepReplaced: action.type === 'update' && state.input.trash !== undefined,
  };
}

function finishCopy(state: RunState, progress: Progress, action: Copy, outcome: CopyOutcome): void {
  const path = action.path;
  const size = state.sourceEntry(path).size;
  progress.finished(path, size, outcome.ok);
  if (!outcome.ok) {
    if (outcome.changed) {
      state.markFailed(path);
      state.skipped(path, outcome.message);
      return;
    }
    if (outcome.noRoom) {
      // Its cause is a full drive (ENOSPC, as the window words it), but the drive still takes the files that fit:
      // reported without the fatal judgement a real ENOSPC gets.
      state.markFailed(path);
      state.error(path, outcome.message, 'ENOSPC');
      return;
    }
    const detail = outcome.code !== undefined && !outcome.message.startsWith(outcome.code) ? `${outcome.code}: ${outcome.message}` : outcome.message;
    state.fail(path, detail, outcome.code);
    return;
  }
  state.done(path);
  state.after.set(path, { kind: 'file', mtimeMs: outcome.mtimeMs });
  state.markChanged(path);
  if (action.type === 'copy') state.counts.copied += 1;
  else state.counts.updated += 1;
  state.counts.bytesCopied += size;
  state.emit({ type: 'op', op: action.type, path });
}

async function makeSymlink(state: RunState, action: Symlink): Promise<void> {
  const replica = state.replica;
  const src = state.sourceEntry(action.path);
  const temp = siblingTemp(action.path);
  try {
    await state.inWritableParent(action.path, () => replica.symlink(action.target, temp));
    replica.setMtime(temp, src.mtimeMs);
    replica.rename(temp, action.path);
  } catch (error) {
    try {
      replica.unlink(temp);
    } catch {
      // Never made, or gone with its folder.
    }
    throw error;
  }
  const made = replica.lstat(action.path);
  const after: ReplicaState = made === undefined ? { kind: 'symlink', mtimeMs: src.mtimeMs } : { kind: kindOfStat(made), mtimeMs: made.mtimeMs };
  state.after.set(action.path, after);
  state.markChanged(action.path);
  if (action.replace) state.counts.updated += 1;
  else state.counts.copied += 1;
  state.emit({ type: 'op', op: 'symlink', path: action.path });
}
