/**
 * One run of one pair: check the roots, scan both trees, find moves, plan, execute, save the record.
 * Per-entry problems are reported as events and counted; only a broken configuration throws (ConfigError).
 */
import fs from 'node:fs';
import path from 'node:path';
import { inodesLookStable, mtimeTolerance } from '../plan/identity.js';
import { Executor, type Counts } from '../execute/executor.js';
import { sameSampledContents } from '../fs/contents.js';
import { hashFile } from '../fs/hash.js';
import { isMountRoot, mountOf } from '../fs/mounts.js';
import { caseKey, nameProblem } from '../fs/names.js';
import type { SyncOptions } from './options.js';
import { PathTree } from '../snapshot/path-tree.js';
import { fsPath, fsPathBuffer, joinPath, parentOf, toByteString } from '../fs/paths.js';
import { planActions, selectWanted } from '../plan/plan.js';
import type { MountIdentity } from '../fs/mounts.js';
import { nextRecord, plannedRecord } from '../record/next-record.js';
import { type SyncRecord } from '../record/record.js';
import { isSmallRecord, loadRecord, recordFileFor, saveRecord } from '../record/record-file.js';
import { findMoves } from '../plan/renames.js';
import { NATIVE_TRAITS, conservativeTraits, probeReplica } from '../fs/probe.js';
import { checkEmptiedSource, checkMaxDelete, validatePairSync, type Refusal } from '../plan/safety.js';
import { statEntry } from '../scan/walk.js';
import { scanOne, type ScansAhead } from '../scan/parallel.js';
import { emptyTableScan } from '../scan/packed.js';
import { sourceLookup, triage, unsettledEntries } from '../plan/triage.js';
import { RunTrash, pruneTrash } from '../execute/trash.js';
import { FAILURES_LISTED, type Action, type RunStats, type Entry, type ReplicaTraits, type RunSummary, type SyncEvent } from '../types.js';

import { ConfigError } from './options.js';
import { StageClock } from './stage-clock.js';

export { ConfigError };

/** Throws a ConfigError naming the input when the pair cannot be synced at all (exit code 2). */
export async function validatePair(options: Pick<SyncOptions, 'source' | 'replica' | 'trash'> & { stateDir?: string }): Promise<void> {
  try {
    validatePairSync(options);
  } catch (error) {
    // A replica whose drive is unplugged (its mount point gone) is for the run to refuse and wait for, not a mistake.
    if (error instanceof ConfigError && error.reason === 'replica-parent-missing' && options.stateDir !== undefined) {
      if (await replicaDriveMissing(options as SyncOptions)) return;
    }
    throw error;
  }
}

async function replicaDriveMissing(options: SyncOptions): Promise<boolean> {
  const source = path.resolve(options.source);
  const replica = path.resolve(options.replica);
  const { record } = loadRecord(recordFileFor(options.stateDir, source, replica), source, replica);
  const now = await currentMount(replica);
  return record.replicaMount !== undefined && now !== undefined && now.mountPoint !== record.replicaMount.mountPoint;
}

const ZERO_COUNTS: Counts = {
  copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0, skipped: 0, unrepresentable: 0, errors: 0, bytesCopied: 0,
};

function summarise(counts: Counts, startedAt: number, dryRun: boolean, extra: Partial<RunSummary> = {}): RunSummary {
  const status = extra.status ?? (counts.errors > 0 ? 'partial' : 'ok');
  return { ...counts, failures: [], undone: 0, aborted: false, durationMs: Date.now() - startedAt, dryRun, ...extra, status };
}

function refuse(refusal: Refusal, emit: (e: SyncEvent) => void, startedAt: number, dryRun: boolean): RunSummary {
  emit({ type: 'op', op: 'error', path: '', detail: refusal.message });
  return summarise(ZERO_COUNTS, startedAt, dryRun, { status: 'refused', refusal });
}

async function currentMount(target: string): Promise<MountIdentity | undefined> {
  try {
    return await mountOf(target);
  } catch {
    return undefined;
  }
}

/** The drive the replica lived on is not where it was: unplugged, leaving an empty mount point or none. */
function checkMounts(record: SyncRecord, replicaMount: MountIdentity | undefined, sourceMount: MountIdentity | undefined, options: SyncOptions): Refusal | undefined {
  if (record.replicaMount && replicaMount && record.replicaMount.mountPoint !== replicaMount.mountPoint) {
    return {
      reason: 'replica-not-connected',
      message: `replica drive not connected: ${options.replica} (it was on ${record.replicaMount.mountPoint}); nothing was changed.`,
      waitFor: { path: path.resolve(options.replica), mountPoint: record.replicaMount.mountPoint },
    };
  }
  if (record.sourceMount && sourceMount && record.sourceMount.mountPoint !== sourceMount.mountPoint) {
    return {
      reason: 'source-missing',
      message: `source drive not connected: ${options.source} (it was on ${record.sourceMount.mountPoint}); nothing was changed.`,
      waitFor: { path: path.resolve(options.source), mountPoint: record.sourceMount.mountPoint },
    };
  }
  return undefined;
}

function isDirectory(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}

/** Traits come from the record while the replica stays on the same mount: a no-change run writes nothing. */
async function replicaTraits(record: SyncRecord, replicaRoot: string, mount: MountIdentity | undefined): Promise<{ traits: ReplicaTraits; probed: boolean }> {
  const cached = record.traits;
  if (cached && record.replicaMount && mount && record.replicaMount.mountPoint === mount.mountPoint && record.replicaMount.fsType === mount.fsType) {
    return { traits: cached, probed: false };
  }
  return { traits: await probeReplica(replicaRoot), probed: true };
}

/** `ahead`: scans already started for this run (the command line's, see ScansAhead). */
export async function runSync(options: SyncOptions, ahead?: ScansAhead): Promise<RunSummary> {
  const startedAt = Date.now();
  const dryRun = options.dryRun ?? false;
  const emit = options.onEvent ?? ((): void => {});
  const source = path.resolve(options.source);
  const replica = path.resolve(options.replica);
  emit({ type: 'start', source, replica, dryRun });

  if (!isDirectory(source)) {
    return refuse({ reason: 'source-missing', message: `The source folder "${options.source}" is missing or not a folder; nothing was changed.` }, emit, startedAt, dryRun);
  }
  // The source scan needs nothing below, so it starts at once and runs while the record loads.
  const sourceRoot = toByteString(fs.realpathSync(source));
  const recordFile = recordFileFor(options.stateDir, source, replica);
  const small = isSmallRecord(recordFile);
  const sourceScanning = ahead?.take(sourceRoot, options.excludes) ?? scanOne(sourceRoot, options.excludes, small);
  sourceScanning.catch(() => undefined); // an early refusal below leaves it unawaited
  // An existing replica is scanned at once too (reading is harmless even if the checks below refuse the run).
  const replicaAtStart = isDirectory(replica) ? toByteString(fs.realpathSync(replica)) : undefined;
  const earlyReplicaScanning = replicaAtStart !== undefined ? (ahead?.take(replicaAtStart, options.excludes) ?? scanOne(replicaAtStart, options.excludes, small)) : undefined;
  earlyReplicaScanning?.catch(() => undefined);
  const clock = new StageClock();
  const loaded = clock.time('loadRecord', () => loadRecord(recordFile, source, replica));
  if (loaded.warning) emit({ type: 'warning', message: loaded.warning });
  const record = loaded.record;
  const [replicaMount, sourceMount] = await Promise.all([currentMount(replica), currentMount(source)]);
  const mountRefusal = checkMounts(record, replicaMount, sourceMount, options);
  if (mountRefusal) return refuse(mountRefusal, emit, startedAt, dryRun);
  // After the mount check: a replica whose parent vanished with its drive is "not connected", not a mistake.
  validatePairSync(options);

  const replicaExists = isDirectory(replica);
  if (!replicaExists && !dryRun) fs.mkdirSync(replica);
  // A dry run writes nothing, not even a probe: it uses what the last run found, or a guess from the mount.
  const { traits, probed } = dryRun
    ? { traits: record.traits ?? guessTraits(replicaMount), probed: false }
    : await replicaTraits(record, replica, replicaMount);
  emit({ type: 'probe', traits });

  const replicaRoot = toByteString(replicaExists || !dryRun ? fs.realpathSync(replica) : replica);
  const replicaScanning =
    earlyReplicaScanning !== undefined && replicaRoot === replicaAtStart
      ? earlyReplicaScanning
      : replicaExists || !dryRun
        ? scanOne(replicaRoot, options.excludes, small)
        : Promise.resolve(emptyTableScan());
  const [sourceScan, replicaScan] = await Promise.all([sourceScanning, replicaScanning]);
  for (const problem of sourceScan.problems) emit({ type: 'op', op: 'error', path: problem.path, detail: problem.message });
  for (const problem of replicaScan.problems) emit({ type: 'op', op: 'error', path: problem.path, detail: `in the replica: ${problem.message}` });
  for (const rel of sourceScan.reserved) emit({ type: 'op', op: 'skip', path: rel, detail: 'the name is reserved for Folder Sync\'s temporary files' });

  const sourceTable = sourceScan.table;
  const replicaTable = replicaScan.table;
  const emptied = checkEmptiedSource(sourceTable.rows, replicaTable.rows, options.source, options.allowEmptySource ?? false);
  if (emptied) return refuse(emptied, emit, startedAt, dryRun);

  const protectedRoots = new Set([...sourceScan.unreadableDirs, ...sourceScan.problems.map((p) => p.path)]);
  const isProtected = (rel: string): boolean => {
    if (protectedRoots.size === 0) return false;
    for (let at = rel; at !== ''; at = parentOf(at)) if (protectedRoots.has(at)) return true;
    return false;
  };
  const settling = clock.time('triage', () => triage(sourceTable, replicaTable, record.table, {
    modes: traits.modes,
    enabled: !(options.checksum ?? false) && !probed,
    ...(traits.caseSensitive ? {} : { fold: caseKey }),
  }));
  clock.start('plan');
  const unsettled = unsettledEntries(settling, sourceTable, replicaTable, record.table);
  const keyOf = traits.caseSensitive ? undefined : caseKey;
  const { wanted, skips } = selectWanted(unsettled.source, {
    traits,
    ...(keyOf ? { keyOf } : {}),
    nameProblem: (name) => nameProblem(name, traits),
  });
  const workingReplica = new PathTree(unsettled.replica);
  const workingRecord = new PathTree(unsettled.record);
  const tolerance = mtimeTolerance(traits, options.modifyWindowMs);
  const trustInodes = inodesLookStable(wanted, workingRecord, settling.settledFiles);
  if (!trustInodes) emit({ type: 'warning', message: 'The source\'s inode numbers changed since the last run (a FUSE drive remounted?): renames are found by content this time.' });
  const hashed = { bytes: 0 };
  const tryHash = async (absBytes: string): Promise<string | undefined> => hashFile(absBytes, hashed).catch(() => undefined);
  const moves = await findMoves({
    wanted,
    replica: workingReplica,
    record: workingRecord,
    ...(keyOf ? { keyOf } : {}),
    isProtected,
    tolerance,
    trustInodes,
    sameContents: (to, from) => sameSampledContents(joinPath(sourceRoot, to), joinPath(replicaRoot, from), wanted.get(to)?.size ?? -1, hashed),
    hashSource: (rel) => tryHash(joinPath(sourceRoot, rel)),
    hashReplica: (rel) => tryHash(joinPath(replicaRoot, rel)),
  });
  if (options.checksum) await compareContents(wanted, workingReplica, moves.knownEqual, moves.sourceHashes, sourceRoot, replicaRoot, hashed);
  const actions = planActions({
    wanted,
    replica: workingReplica,
    record: workingRecord,
    moves: moves.moves,
    skips,
    traits,
    tolerance,
    knownEqual: moves.knownEqual,
    checksum: options.checksum ?? false,
    trustInodes,
    isProtected,
  });
  clock.stop('plan');
  const maxDelete = checkMaxDelete(actions, replicaTable.rows, options.maxDelete);
  if (maxDelete) return refuse(maxDelete, emit, startedAt, dryRun);
  emit({ type: 'plan', actions });
  const statsOf = (bytesCopied: number): RunStats => ({
    sourceEntries: sourceTable.rows,
    replicaEntries: replicaTable.rows,
    bytesRead: bytesCopied + hashed.bytes,
    stageMs: clock.stages(sourceScan.durationMs, replicaScan.durationMs),
  });
  if (dryRun) return summarise(countPlan(actions), startedAt, true, { actions, stats: statsOf(0) });

  const trash = options.trash ? new RunTrash(options.trash) : undefined;
  if (options.trash) for (const name of pruneTrash(options.trash)) emit({ type: 'op', op: 'cleanup', path: '', detail: `removed trash folder ${name} (older than ${options.trash.keepDays} days)` });
  for (const rel of replicaScan.reserved) {
    const leftover = fsPath(joinPath(replicaRoot, rel));
    // The scan runs alongside this run's own probe, whose temporary folder it may list: gone by now, not a leftover.
    if (fs.lstatSync(leftover, { throwIfNoEntry: false }) === undefined) continue;
    fs.rmSync(leftover, { recursive: true, force: true });
    emit({ type: 'op', op: 'cleanup', path: rel });
  }
  const sourceRootEntry = statEntry(sourceRoot);
  const executor = new Executor({
    actions,
    sourceRoot,
    replicaRoot,
    wanted: sourceLookup(settling, sourceTable, unsettled.source, wanted),
    ...(sourceRootEntry ? { sourceRootEntry } : {}),
    traits,
    tolerance,
    emit,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(trash ? { trash } : {}),
  });
  clock.start('execute');
  const result = await executor.run();
  clock.stop('execute');
  const changedRoot = result.counts.created + result.counts.copied + result.counts.deleted + result.counts.moved > 0;
  // fusefat fails (and drops the drive) when asked to stamp its root; FAT and exFAT roots keep no times anyway.
  if (probed && !changedRoot && sourceRootEntry && !(await isMountRoot(fsPathBuffer(replicaRoot)))) {
    // The probe's temporary folder touched the replica root's mtime; give it back the source's.
    fs.utimesSync(fsPath(replicaRoot), sourceRootEntry.mtimeMs / 1000, sourceRootEntry.mtimeMs / 1000);
  }
  if (result.fatal) emit({ type: 'warning', message: `Stopped: ${result.fatal}.` });

  const planned = plannedRecord({
    wanted,
    replica: workingReplica,
    record: workingRecord,
    after: result.after,
    notDone: result.notDone,
    sourceHashes: moves.sourceHashes,
    isProtected,
  });
  const next = nextRecord(settling, sourceTable, record.table, unsettled.record, planned, result);
  const newReplicaMount = (await currentMount(replica)) ?? replicaMount;
  const nextFile: SyncRecord = {
    table: next.table,
    ...(newReplicaMount ? { replicaMount: newReplicaMount } : {}),
    ...(sourceMount ? { sourceMount } : {}),
    traits,
  };
  // Rule 7: a run that changed nothing rewrites nothing, the record included. A record written by an older version
  // is rewritten once.
  const stale = !loaded.existed || loaded.outdated === true || probed;
  if (stale || next.changed || !sameSettings(record, nextFile)) clock.time('saveRecord', () => saveRecord(recordFile, nextFile, source, replica));
  // Entries the scans could not read were left alone: the run did not finish them, so it is partial (exit 1).
  const scanErrors = sourceScan.problems.length + replicaScan.problems.length;
  const scanFailures = [...sourceScan.problems, ...replicaScan.problems.map((p) => ({ path: p.path, message: `in the replica: ${p.message}` }))];
  const failures = [...scanFailures, ...result.failures].slice(0, FAILURES_LISTED);
  const aborted = options.signal?.aborted ?? false;
  const extra = { failures, undone: result.notDone.size, aborted, stats: statsOf(result.counts.bytesCopied) };
  return summarise({ ...result.counts, errors: result.counts.errors + scanErrors }, startedAt, false, extra);
}

function sameMount(a: MountIdentity | undefined, b: MountIdentity | undefined): boolean {
  return a?.mountPoint === b?.mountPoint && a?.fsType === b?.fsType && a?.source === b?.source;
}

/** The record's file-level facts: anything else differing is in the entries (NextRecord.changed). */
function sameSettings(a: SyncRecord, b: SyncRecord): boolean {
  return sameMount(a.replicaMount, b.replicaMount) && sameMount(a.sourceMount, b.sourceMount) && a.traits?.summary === b.traits?.summary;
}

/** File-system types whose drives cannot hold what a Linux source holds; for dry runs before any probe. */
const FOREIGN_FS_TYPES = /^(vfat|msdos|exfat|ntfs|ntfs3|fuseblk|fuse\.fusefat|fuse\.exfat|cifs|smb3)$/;

function guessTraits(mount: MountIdentity | undefined): ReplicaTraits {
  if (mount && FOREIGN_FS_TYPES.test(mount.fsType)) {
    return { ...conservativeTraits(`dry run, guessed from the file-system type ${mount.fsType}`) };
  }
  return nativeTraits();
}

function nativeTraits(): ReplicaTraits {
  return { ...NATIVE_TRAITS, summary: 'not probed (dry run): assuming a native Linux file system' };
}

/** --checksum: files of equal size are compared by content; equal ones need at most their metadata fixed. */
async function compareContents(
  wanted: ReadonlyMap<string, Entry>,
  replica: PathTree<Entry>,
  knownEqual: Set<string>,
  sourceHashes: Map<string, string>,
  sourceRoot: string,
  replicaRoot: string,
  read: { bytes: number },
): Promise<void> {
  for (const [rel, src] of wanted) {
    const rep = replica.get(rel);
    if (src.kind !== 'file' || rep?.kind !== 'file' || rep.size !== src.size || knownEqual.has(rel)) continue;
    const [a, b] = await Promise.all([hashFile(joinPath(sourceRoot, rel), read), hashFile(joinPath(replicaRoot, rel), read)].map((p) => p.catch(() => undefined)));
    if (a !== undefined) sourceHashes.set(rel, a);
    if (a !== undefined && a === b) knownEqual.add(rel);
  }
}

function countPlan(actions: readonly Action[]): Counts {
  const counts = { ...ZERO_COUNTS };
  for (const action of actions) {
    switch (action.type) {
      case 'copy':
        counts.copied += 1;
        counts.bytesCopied += action.size;
        break;
      case 'update':
        counts.updated += 1;
        counts.bytesCopied += action.size;
        break;
      case 'symlink':
        if (action.replace) counts.updated += 1;
        else counts.copied += 1;
        break;
      case 'move':
        counts.moved += 1;
        break;
      case 'delete':
      case 'rmdir':
        counts.deleted += 1;
        break;
      case 'mkdir':
        counts.created += 1;
        break;
      case 'chmod':
      case 'touch':
        counts.metadata += 1;
        break;
      case 'skip':
        if (action.unrepresentable) counts.unrepresentable += 1;
        else counts.skipped += 1;
        break;
    }
  }
  return counts;
}
