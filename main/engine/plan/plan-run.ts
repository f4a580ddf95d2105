/**
 * The plan stage of a run, whole: the two scans and the record in, the actions out (or why the run must change
 * nothing). In order:
 * 1. an emptied source next to a full replica is refused (safety.ts);
 * 2. the triage sets aside every entry exactly as the record left it on both sides (triage.ts, identity.ts): a run
 *    that changed nothing stops here with an empty plan, having made no object per entry;
 * 3. what the replica cannot hold is left out with its reason (plan.ts selectWanted);
 * 4. renames are found (renames.ts: by inode from the record, confirmed by contents where the ctime moved, then by
 *    content hash) and applied to working copies of the replica and the record;
 * 5. the pure diff of the rest gives the actions (plan.ts planActions), and the deletion limit is checked.
 * Reading file contents (hashes, the confirmation of a rename) is the caller's, through `contents`
 * (content-questions.ts).
 */
import { performance } from 'node:perf_hooks';
import { caseKey, nameProblem } from '../fs/names.js';
import { display, parentOf } from '../fs/paths.js';
import type { RecordSnapshot } from '../snapshot/record-snapshot.js';
import { PathTree } from '../snapshot/path-tree.js';
import type { ScanSnapshot } from '../snapshot/snapshot.js';
import type { RecordEntry } from '../snapshot/record-snapshot.js';
import type { Action, Entry, ReplicaTraits } from '../types.js';
import type { ContentQuestions } from './content-questions.js';
import { hasPrivilegeBits, inodesLookStable, mtimeTolerance } from './identity.js';
import { planActions, selectWanted, type Selection } from './plan.js';
import { findMoves } from './renames.js';
import { checkEmptiedSource, checkMaxDelete, type Refusal } from './safety.js';
import { triage, unsettledEntries, type Triage, type Unsettled } from './triage.js';

export interface PlanRunInput {
  readonly source: ScanSnapshot;
  readonly replica: ScanSnapshot;
  readonly record: RecordSnapshot;
  readonly traits: ReplicaTraits;
  /** The traits were probed just now (the record was made under others): nothing is settled from the record. */
  readonly probed: boolean;
  readonly checksum: boolean;
  readonly allowEmptySource: boolean;
  readonly maxDelete?: { readonly count: number } | { readonly percent: number };
  /** The limit counts overwrites too (SyncOptions.limitOverwrites). */
  readonly limitOverwrites?: boolean;
  readonly modifyWindowMs?: number;
  /** Paths nothing is to happen at or below (unreadable source folders, mount points): left as the replica has them. */
  readonly protectedRoots: ReadonlySet<string>;
  /** Folders of the replica where another file system is mounted: nothing of the source is written there. */
  readonly replicaMountPoints: readonly string[];
  /** The source folder as the user named it, for the refusal's sentence. */
  readonly sourceName: string;
  readonly contents: ContentQuestions;
  readonly warn: (message: string) => void;
}

export interface PlannedRun {
  readonly actions: Action[];
  readonly settling: Triage;
  readonly unsettled: Unsettled;
  /** The unsettled source entries the replica is to hold. */
  readonly wanted: ReadonlyMap<string, Entry>;
  /** Working copies of the unsettled replica and record entries, with the moves applied. */
  readonly workingReplica: PathTree<Entry>;
  readonly workingRecord: PathTree<RecordEntry>;
  /** Hashes learnt while planning, by source path, for the record. */
  readonly sourceHashes: ReadonlyMap<string, string>;
  readonly isProtected: (rel: string) => boolean;
  readonly tolerance: number;
}

/** Milliseconds the stage spent: the triage, then the rest of planning. */
export interface PlanTimes {
  readonly triage: number;
  readonly plan: number;
}

export type PlanOutcome = ({ readonly refusal: Refusal } | { readonly plan: PlannedRun }) & { readonly ms: PlanTimes };

function protectedBy(roots: ReadonlySet<string>): (rel: string) => boolean {
  return (rel) => {
    if (roots.size === 0) return false;
    for (let at = rel; at !== ''; at = parentOf(at)) if (roots.has(at)) return true;
    return false;
  };
}

/** The folders that hold a protected path: never removed (a removal would fail on what stays inside, or worse, reach into it). */
function holdersOf(roots: ReadonlySet<string>): (rel: string) => boolean {
  const holders = new Set<string>();
  for (const root of roots) for (let at = parentOf(root); at !== '' && !holders.has(at); at = parentOf(at)) holders.add(at);
  return (rel) => holders.has(rel);
}

export async function planRun(input: PlanRunInput): Promise<PlanOutcome> {
  const { source, replica, record, traits } = input;
  const startedAt = performance.now();
  const emptied = checkEmptiedSource(source.rows, replica.rows, input.sourceName, input.allowEmptySource);
  if (emptied) return { refusal: emptied, ms: { triage: 0, plan: 0 } };
  const isProtected = protectedBy(input.protectedRoots);
  const settling = triage(source, replica, record, {
    modes: traits.modes,
    enabled: !input.checksum && !input.probed,
    ...(traits.caseSensitive ? {} : { fold: caseKey }),
  });
  const triagedAt = performance.now();
  const ms = (): PlanTimes => ({ triage: triagedAt - startedAt, plan: performance.now() - triagedAt });
  const unsettled = unsettledEntries(settling, source, replica, record);
  const keyOf = traits.caseSensitive ? undefined : caseKey;
  const selection = selectWanted(unsettled.source, { traits, ...(keyOf ? { keyOf } : {}), nameProblem: (name) => nameProblem(name, traits) });
  const { wanted, skips } = withoutMountPoints(selection, input.replicaMountPoints);
  warnAboutPrivileges(wanted, input.warn);
  const workingReplica = new PathTree(unsettled.replica);
  const workingRecord = new PathTree(unsettled.record);
  const tolerance = mtimeTolerance(traits, input.modifyWindowMs);
  const trustInodes = inodesLookStable(wanted, workingRecord, settling.settledFiles);
  if (!trustInodes) input.warn('The source\'s inode numbers changed since the last run (a FUSE drive remounted?): renames are found by content this time.');
  const moves = await findMoves({
    wanted,
    replica: workingReplica,
    record: workingRecord,
    ...(keyOf ? { keyOf } : {}),
    isProtected,
    tolerance,
    trustInodes,
    sameContents: (to, from) => input.contents.sameContents(to, from, wanted.get(to)?.size ?? -1),
    hashSource: input.contents.hashSource,
    hashReplica: input.contents.hashReplica,
  });
  if (input.checksum) await compareContents(wanted, workingReplica, moves.knownEqual, moves.sourceHashes, input.contents);
  const actions = planActions({
    wanted,
    replica: workingReplica,
    record: workingRecord,
    moves: moves.moves,
    skips,
    traits,
    tolerance,
    knownEqual: moves.knownEqual,
    checksum: input.checksum,
    trustInodes,
    isProtected,
    holdsProtected: holdersOf(input.protectedRoots),
  });
  const tooMany = checkMaxDelete(actions, replica.rows, input.maxDelete, input.limitOverwrites ?? false);
  if (tooMany) return { refusal: tooMany, ms: ms() };
  return { plan: { actions, settling, unsettled, wanted, workingReplica, workingRecord, sourceHashes: moves.sourceHashes, isProtected, tolerance }, ms: ms() };
}

/**
 * Source entries at or below a replica mount point are left out: the mirror never writes into another mount there.
 * The run warns once about each such mount point already (sync.ts), so no skip is added for it here.
 */
function withoutMountPoints(selection: Selection, mountPoints: readonly string[]): Selection {
  if (mountPoints.length === 0) return selection;
  const below = protectedBy(new Set(mountPoints));
  const left = new Set<string>();
  for (const rel of selection.wanted.keys()) if (below(rel)) left.add(rel);
  if (left.size === 0) return selection;
  const wanted = new Map<string, Entry>();
  for (const [rel, entry] of selection.wanted) if (!left.has(rel)) wanted.set(rel, entry);
  return { wanted, skips: selection.skips };
}

/** Set-uid and set-gid bits are not mirrored (ownership is not, so they would hand out the running user's rights). */
function warnAboutPrivileges(wanted: ReadonlyMap<string, Entry>, warn: (message: string) => void): void {
  let count = 0;
  let first: string | undefined;
  for (const [rel, entry] of wanted) {
    if (!hasPrivilegeBits(entry)) continue;
    count += 1;
    first ??= rel;
  }
  if (count === 0) return;
  warn(
    `${count} ${count === 1 ? 'entry has' : 'entries have'} set-uid or set-gid bits (the first: "${display(first!)}"); the replica gets them ` +
      'without those bits, as ownership is not mirrored.',
  );
}

/** --checksum: files of equal size are compared by content; equal ones need at most their metadata fixed. */
async function compareContents(
  wanted: ReadonlyMap<string, Entry>,
  replica: PathTree<Entry>,
  knownEqual: Set<string>,
  sourceHashes: Map<string, string>,
  contents: ContentQuestions,
): Promise<void> {
  for (const [rel, src] of wanted) {
    const rep = replica.get(rel);
    if (src.kind !== 'file' || rep?.kind !== 'file' || rep.size !== src.size || knownEqual.has(rel)) continue;
    const [a, b] = await Promise.all([contents.hashSource(rel), contents.hashReplica(rel)]);
    if (a !== undefined) sourceHashes.set(rel, a);
    if (a !== undefined && a === b) knownEqual.add(rel);
  }
}
