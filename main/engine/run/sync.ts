/**
 * One run of one pair, in five steps, each a stage's own module:
 * 1. preflight (preflight.ts): the record, the drives, the configuration, what the replica can hold;
 * 2. scan (scan/): both trees, at the same time, started before anything else;
 * 3. plan (plan/plan-run.ts): triage, renames, the diff; a run that changed nothing ends its work here;
 * 4. execute (execute/execute.ts): the actions, through the replica's descriptors;
 * 5. commit (commit.ts): the record, saved only if something changed.
 * Per-entry problems are reported as events and counted; only a broken configuration throws (ConfigError).
 */
import fs from 'node:fs';
import path from 'node:path';
import { hashFile, sameSampledContents, type ReadCounter } from '../fs/contents.js';
import { isMountRoot } from '../fs/mounts.js';
import { display, fsPathBuffer, toByteString } from '../fs/paths.js';
import { Tree } from '../fs/tree.js';
import { executePlan, type ExecuteResult } from '../execute/execute.js';
import { openTrash, pruneTrash, RunTrash } from '../execute/trash.js';
import { planRun, type ContentQuestions } from '../plan/plan-run.js';
import { sourceLookup } from '../plan/triage.js';
import { isSmallRecord, recordFileFor } from '../record/record-file.js';
import { emptyTableScan, type TableScan } from '../scan/packed.js';
import { scanOne, type ScanRequest, type ScansAhead } from '../scan/parallel.js';
import { entryOf } from '../scan/walk.js';
import { FAILURES_LISTED, type Action, type Entry, type RunStats, type RunSummary, type SyncEvent } from '../types.js';
import { commitRecord } from './commit.js';
import { ConfigError, type SyncOptions } from './options.js';
import { isDirectory, prepare, currentMount, validatePair } from './preflight.js';
import { StageClock } from './stage-clock.js';
import { countPlan, refuse, summarise } from './summary.js';

export { ConfigError, validatePair };

/** `ahead`: scans already started for this run (the command line's, see ScansAhead). */
export async function runSync(options: SyncOptions, ahead?: ScansAhead): Promise<RunSummary> {
  const startedAt = Date.now();
  const dryRun = options.dryRun ?? false;
  const emit = options.onEvent ?? ((): void => {});
  const warn = (message: string): void => emit({ type: 'warning', message });
  const source = path.resolve(options.source);
  const replica = path.resolve(options.replica);
  emit({ type: 'start', source, replica, dryRun });
  if (!isDirectory(source)) {
    return refuse({ reason: 'source-missing', message: `The source folder "${options.source}" is missing or not a folder; nothing was changed.` }, emit, startedAt, dryRun);
  }
  // Both scans start at once and run while the record loads and the drives are checked (reading is harmless even if
  // the checks refuse the run). The replica's starts later when the replica is only made by this run.
  const request: ScanRequest = {
    excludes: options.excludes ?? [],
    sameDevice: !(options.crossFileSystems ?? false),
    small: isSmallRecord(recordFileFor(options.stateDir, source, replica)),
  };
  const replicaRequest: ScanRequest = { ...request, sameDevice: true };
  const sourceRoot = toByteString(fs.realpathSync(source));
  const sourceScanning = ahead?.take(sourceRoot, request) ?? scanOne(sourceRoot, request);
  const replicaAtStart = isDirectory(replica) ? toByteString(fs.realpathSync(replica)) : undefined;
  const earlyReplicaScanning = replicaAtStart === undefined ? undefined : (ahead?.take(replicaAtStart, replicaRequest) ?? scanOne(replicaAtStart, replicaRequest));
  for (const scanning of [sourceScanning, earlyReplicaScanning]) scanning?.catch(() => undefined); // an early refusal leaves them unawaited

  const clock = new StageClock();
  const ready = await clock.timeAsync('loadRecord', () => prepare(options, source, replica, warn));
  if ('refusal' in ready) return refuse(ready.refusal, emit, startedAt, dryRun);
  const prepared = ready.prepared;
  emit({ type: 'probe', traits: prepared.traits });

  const replicaScanned = prepared.replicaExisted || !dryRun;
  const replicaRoot = replicaScanned ? toByteString(fs.realpathSync(replica)) : undefined;
  const replicaScanning =
    replicaRoot === undefined ? Promise.resolve(emptyTableScan()) : replicaRoot === replicaAtStart && earlyReplicaScanning ? earlyReplicaScanning : scanOne(replicaRoot, replicaRequest);
  const [sourceScan, replicaScan] = await Promise.all([sourceScanning, replicaScanning]);
  reportScans(sourceScan, replicaScan, replica, emit, warn);

  const sourceTree = Tree.open(sourceRoot);
  const replicaTree = replicaRoot === undefined ? undefined : Tree.open(replicaRoot);
  const hashed: ReadCounter = { bytes: 0 };
  try {
    const outcome = await planRun({
      source: sourceScan.table,
      replica: replicaScan.table,
      record: prepared.loaded.record.table,
      traits: prepared.traits,
      probed: prepared.probed,
      checksum: options.checksum ?? false,
      allowEmptySource: options.allowEmptySource ?? false,
      ...(options.maxDelete ? { maxDelete: options.maxDelete, limitOverwrites: options.limitOverwrites ?? false } : {}),
      ...(options.modifyWindowMs !== undefined ? { modifyWindowMs: options.modifyWindowMs } : {}),
      protectedRoots: protectedRoots(sourceScan, replicaScan),
      replicaMountPoints: replicaScan.mountPoints,
      sourceName: options.source,
      contents: contentQuestions(sourceTree, replicaTree, hashed),
      warn,
    });
    clock.add('triage', outcome.ms.triage);
    clock.add('plan', outcome.ms.plan);
    if ('refusal' in outcome) return refuse(outcome.refusal, emit, startedAt, dryRun);
    const { plan } = outcome;
    emit({ type: 'plan', actions: plan.actions });
    const statsOf = (bytesCopied: number): RunStats => ({
      sourceEntries: sourceScan.table.rows,
      replicaEntries: replicaScan.table.rows,
      bytesRead: bytesCopied + hashed.bytes,
      stageMs: clock.stages(sourceScan.durationMs, replicaScan.durationMs),
    });
    if (dryRun || replicaTree === undefined) return summarise(countPlan(plan.actions), startedAt, true, { actions: plan.actions, stats: statsOf(0) });

    const trash = options.trash ? startTrash(options.trash, plan.actions, emit) : undefined;
    try {
      removeLeftovers(replicaTree, replicaScan.reserved, emit);
      const sourceRootEntry = entryOf(sourceTree.lstat('')!);
      const replicaIsMountRoot = await isMountRoot(fsPathBuffer(replicaRoot!));
      const result = await clock.timeAsync('execute', () =>
        executePlan({
          actions: plan.actions,
          source: sourceTree,
          replica: replicaTree,
          wanted: sourceLookup(plan.settling, sourceScan.table, plan.unsettled.source, plan.wanted),
          sourceRootEntry,
          traits: prepared.traits,
          tolerance: plan.tolerance,
          emit,
          replicaIsMountRoot,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(trash ? { trash } : {}),
        }),
      );
      restoreRootMtime(prepared.probed, replicaIsMountRoot, result, replicaTree, sourceRootEntry);
      if (result.fatal) warn(`Stopped: ${result.fatal}.`);
      const replicaMount = (await currentMount(replica)) ?? prepared.replicaMount;
      clock.time('saveRecord', () =>
        commitRecord({
          plan,
          result,
          source: sourceScan.table,
          loaded: prepared.loaded,
          recordFile: prepared.recordFile,
          replicaMount,
          sourceMount: prepared.sourceMount,
          traits: prepared.traits,
          probed: prepared.probed,
          pair: { source, replica },
        }),
      );
      // Entries the scans could not read were left alone: the run did not finish them, so it is partial (exit 1).
      const scanErrors = sourceScan.problems.length + replicaScan.problems.length;
      const extra = { failures: failuresOf(sourceScan, replicaScan, result), undone: result.notDone.size, aborted: options.signal?.aborted ?? false, stats: statsOf(result.counts.bytesCopied) };
      return summarise({ ...result.counts, errors: result.counts.errors + scanErrors }, startedAt, false, extra);
    } finally {
      trash?.tree.close();
    }
  } finally {
    sourceTree.close();
    replicaTree?.close();
  }
}

function reportScans(sourceScan: TableScan, replicaScan: TableScan, replica: string, emit: (event: SyncEvent) => void, warn: (message: string) => void): void {
  for (const problem of sourceScan.problems) emit({ type: 'op', op: 'error', path: problem.path, detail: problem.message });
  for (const problem of replicaScan.problems) emit({ type: 'op', op: 'error', path: problem.path, detail: `in the replica: ${problem.message}` });
  for (const rel of sourceScan.reserved) emit({ type: 'op', op: 'skip', path: rel, detail: 'the name is reserved for Folder Sync\'s temporary files' });
  for (const rel of sourceScan.mountPoints) {
    emit({ type: 'op', op: 'skip', path: rel, detail: 'a mount point (another file system, or a bind mount); not crossed (--cross-file-systems would)' });
  }
  // Never crossed, never deleted, nothing written below it: what is mounted there is not the replica's (a USB stick, a bind mount of another folder).
  for (const rel of replicaScan.mountPoints) warn(`"${path.join(replica, display(rel))}" is a mount point inside the replica; left alone.`);
}

/**
 * What the replica holds at and below these paths stays as it is: below source folders that could not be read (their
 * contents unknown), below source entries that could not be read, at mount points on either side.
 */
function protectedRoots(sourceScan: TableScan, replicaScan: TableScan): Set<string> {
  return new Set([...sourceScan.unreadableDirs, ...sourceScan.problems.map((p) => p.path), ...sourceScan.mountPoints, ...replicaScan.mountPoints]);
}

/** Contents the planner may need to read, through the trees' descriptors. A dry run without a replica reads none there. */
function contentQuestions(sourceTree: Tree, replicaTree: Tree | undefined, counter: ReadCounter): ContentQuestions {
  const tryHash = async (tree: Tree | undefined, rel: string): Promise<string | undefined> => (tree === undefined ? undefined : hashFile({ tree, rel }, counter).catch(() => undefined));
  return {
    hashSource: (rel) => tryHash(sourceTree, rel),
    hashReplica: (rel) => tryHash(replicaTree, rel),
    sameContents: async (to, from, size) => replicaTree !== undefined && sameSampledContents({ tree: sourceTree, rel: to }, { tree: replicaTree, rel: from }, size, counter),
  };
}

/**
 * The run's trash, its old dated folders pruned. The trash folder is made only for a run that may put something in it
 * (a deletion, an overwrite, a file moved over another); without one, nothing is lost without it either.
 */
function startTrash(options: NonNullable<SyncOptions['trash']>, actions: readonly Action[], emit: (event: SyncEvent) => void): RunTrash | undefined {
  const dir = path.resolve(options.dir);
  const needed = actions.some((a) => a.type === 'delete' || a.type === 'update' || a.type === 'move');
  if (!needed && !isDirectory(dir)) return undefined;
  const tree = openTrash(toByteString(dir));
  for (const name of pruneTrash(tree, options.keepDays)) {
    emit({ type: 'op', op: 'cleanup', path: '', detail: `removed trash folder ${name} (older than ${options.keepDays} days)` });
  }
  return RunTrash.startingAt(tree);
}

/** Temp files, staging and probe folders a killed run left behind (the reserved prefix). */
function removeLeftovers(replica: Tree, reserved: readonly string[], emit: (event: SyncEvent) => void): void {
  for (const rel of reserved) {
    // The scan runs alongside this run's own probe, whose temporary folder it may list: gone by now, not a leftover.
    if (replica.lstat(rel) === undefined) continue;
    replica.removeAll(rel);
    emit({ type: 'op', op: 'cleanup', path: rel });
  }
}

/**
 * The probe's temporary folder touched the replica root's mtime; a run that changed nothing else there gives it back
 * the source's. fusefat fails (and drops the drive) when asked to stamp its root; FAT and exFAT roots keep no times.
 */
function restoreRootMtime(probed: boolean, isMountRoot: boolean, result: ExecuteResult, replica: Tree, sourceRoot: Entry): void {
  const changedRoot = result.counts.created + result.counts.copied + result.counts.deleted + result.counts.moved > 0;
  if (probed && !changedRoot && !isMountRoot) replica.setMtime('', sourceRoot.mtimeMs);
}

function failuresOf(sourceScan: TableScan, replicaScan: TableScan, result: ExecuteResult): RunSummary['failures'] {
  const scanFailures = [...sourceScan.problems, ...replicaScan.problems.map((p) => ({ path: p.path, message: `in the replica: ${p.message}` }))];
  return [...scanFailures, ...result.failures].slice(0, FAILURES_LISTED);
}
