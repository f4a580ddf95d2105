/**
 * Execute: applies a plan to the replica, phase by phase (after mutagen's transition.go), every operation through
 * the replica's descriptors (fs/tree.ts) and under one failure policy (run-state.ts):
 * 0. the trash is started (its old dated folders pruned), and what a killed run left behind is removed;
 * 1. skips are reported; folders move (one rename each); moved files go aside into a staging folder;
 * 2. deletions some write depends on run, in plan order; the others start and run alongside what follows;
 * 3. new folders are made, staged files put in place, symlinks made and file contents copied (copy workers);
 * 4. planned chmods and touches; then every folder whose contents changed gets its mode and mtime back;
 * 5. the replica root's mtime, touched by this run's probe, is given back.
 * Nothing partial is ever visible under a replica name: contents go to a temp file beside the target, then one
 * rename puts them in place.
 */
import { isMountRoot } from '../fs/mounts.js';
import { fsPathBuffer } from '../fs/paths.js';
import { entryOf } from '../scan/walk.js';
import type { Action, EntryFailure, ReplicaState } from '../types.js';
import { writeContents } from './contents.js';
import { createCopyPool, type CopyPool } from './copy-pool.js';
import { makeFolder } from './folders.js';
import { fixMetadata, restampFolders, restoreRootMtime } from './metadata.js';
import { moveFolder, placeStagedMove, removeStaging, stageFileMoves, type Move } from './moves.js';
import { Progress } from './progress.js';
import { deletionsOf, removeAlongside, removeInOrder, removeLeftovers } from './removals.js';
import { RunState, type Counts, type ExecuteInput } from './run-state.js';
import { startTrash, type TrashOptions } from './trash.js';

export type { Counts, ExecuteInput } from './run-state.js';

export interface ExecuteResult {
  /** Replica entries as they are after the actions that touched them. */
  readonly after: Map<string, ReplicaState>;
  /** Paths whose action did not complete (failed, skipped, aborted): the record must not vouch for them. */
  readonly notDone: Set<string>;
  readonly counts: Counts;
  readonly failures: readonly EntryFailure[];
  /** Set when the replica stopped taking writes (full, read-only, gone). */
  readonly fatal?: string;
}

function ofType<T extends Action['type']>(actions: readonly Action[], ...types: T[]): Array<Extract<Action, { type: T }>> {
  return actions.filter((a): a is Extract<Action, { type: T }> => (types as string[]).includes(a.type));
}

/** What the stage is given: the plan's input, with the trash still to start and the root's facts still to look up. */
export interface ExecuteStageInput extends Omit<ExecuteInput, 'trash' | 'sourceRootEntry' | 'replicaIsMountRoot'> {
  /** The replica's real path (a byte string). */
  readonly replicaRoot: string;
  /** --trash: deleted and overwritten replica files are moved into a dated folder there instead of being destroyed. */
  readonly trash?: TrashOptions;
  /** Names with the reserved prefix the replica scan found: what a killed run left behind. */
  readonly leftovers: readonly string[];
  /** The replica's traits were probed by this run (the probe touched the root's mtime). */
  readonly probed: boolean;
}

/** The execute stage, whole, in the order of the list above; a replica that stopped taking writes is warned about. */
export async function executeStage(input: ExecuteStageInput): Promise<ExecuteResult> {
  const { replicaRoot, trash: trashOptions, leftovers, probed, ...plan } = input;
  const trash = trashOptions ? startTrash(trashOptions, plan.actions, plan.emit) : undefined;
  try {
    removeLeftovers(plan.replica, leftovers, plan.emit);
    const sourceRootEntry = entryOf(plan.source.lstat('')!);
    const replicaIsMountRoot = await isMountRoot(fsPathBuffer(replicaRoot));
    const result = await executePlan({ ...plan, sourceRootEntry, replicaIsMountRoot, ...(trash ? { trash } : {}) });
    restoreRootMtime(probed, replicaIsMountRoot, result.counts, plan.replica, sourceRootEntry);
    if (result.fatal) plan.emit({ type: 'warning', message: `Stopped: ${result.fatal}.` });
    return result;
  } finally {
    trash?.tree.close();
  }
}

async function executePlan(input: ExecuteInput): Promise<ExecuteResult> {
  const state = new RunState(input);
  const progress = new Progress(input.actions, (event) => input.emit(event));
  const trees = { source: input.source, replica: input.replica, ...(input.trash ? { trash: input.trash } : {}) };
  // Started first: the copy workers start up while moves and deletions run here.
  const pool = createCopyPool(progress.copies, trees);
  try {
    await runPhases(state, pool, progress, trees);
  } finally {
    await pool.close();
  }
  return { after: state.after, notDone: state.notDone, counts: state.counts, failures: state.failures, ...(state.fatal ? { fatal: state.fatal } : {}) };
}

async function runPhases(state: RunState, pool: CopyPool, progress: Progress, trees: Parameters<typeof writeContents>[4]): Promise<void> {
  const actions = state.input.actions;
  for (const skip of ofType(actions, 'skip')) {
    if (skip.unrepresentable) state.counts.unrepresentable += 1;
    else state.counts.skipped += 1;
    state.emit({ type: 'op', op: 'skip', path: skip.path, detail: skip.reason });
  }
  const moves = ofType(actions, 'move');
  for (const move of moves.filter((m) => m.kind === 'dir')) await state.guard(move, () => moveFolder(state, move));
  const staged = await stageFileMoves(state, moves.filter((m: Move) => m.kind !== 'dir'));
  const deletions = deletionsOf(state);
  await removeInOrder(state, deletions.first);
  // The rest wait for no write and no write waits for them: they run while the writes below run.
  const removing = removeAlongside(state, deletions);
  removing.catch(() => undefined); // awaited below; a failure must not surface early as unhandled
  try {
    for (const mkdir of ofType(actions, 'mkdir')) await state.guard(mkdir, () => makeFolder(state, mkdir.path));
    for (const [move, temp] of staged) await state.guard(move, () => placeStagedMove(state, move, temp));
    await writeContents(state, ofType(actions, 'copy', 'update', 'symlink'), pool, progress, trees);
  } finally {
    await removing;
  }
  for (const action of ofType(actions, 'chmod', 'touch')) await state.guard(action, () => fixMetadata(state, action));
  await restampFolders(state);
  removeStaging(state);
}
