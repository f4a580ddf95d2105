/**
 * The scan stage of a run: both trees at the same time, started before anything else, so they run while the record
 * loads and the drives are checked (reading is harmless even if those checks refuse the run); then, once both are
 * in, what they could not read or would not cross is reported, and the paths the plan must leave alone are named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDirectory } from '../fs/is-directory.js';
import { display, toByteString } from '../fs/paths.js';
import { isSmallRecord, recordFileFor } from '../record/record-file.js';
import type { SyncOptions } from '../run/options.js';
import type { SyncEvent } from '../types.js';
import { emptyTableScan, type TableScan } from './packed.js';
import { scanOne, type ScanRequest, type ScansAhead } from './parallel.js';

/** Scans under way; `source` and `replica` are the resolved host paths. */
export interface StartedScans {
  readonly replica: string;
  /** The source's real path (byte string). */
  readonly sourceRoot: string;
  readonly source: Promise<TableScan>;
  /** The replica's real path and scan when it was a folder at the start (a replica this run makes starts later). */
  readonly early?: { readonly root: string; readonly scan: Promise<TableScan> };
  readonly replicaRequest: ScanRequest;
}

/** Both trees, scanned; `replicaRoot` is undefined when there was no replica to scan (a dry run before the first). */
export interface Scans {
  readonly source: TableScan;
  readonly replica: TableScan;
  readonly sourceRoot: string;
  readonly replicaRoot: string | undefined;
  /**
   * What the replica holds at and below these paths stays as it is: below source folders that could not be read
   * (their contents unknown), below source entries that could not be read, at mount points on either side.
   */
  readonly protectedRoots: Set<string>;
}

/** `ahead`: scans already started for this run (the command line's, see ScansAhead); taken where they match. */
export function startScans(options: SyncOptions, source: string, replica: string, ahead?: ScansAhead): StartedScans {
  const request: ScanRequest = {
    excludes: options.excludes ?? [],
    sameDevice: !(options.crossFileSystems ?? false),
    smallTree: isSmallRecord(recordFileFor(options.stateDir, source, replica)),
  };
  const replicaRequest: ScanRequest = { ...request, sameDevice: true };
  const sourceRoot = toByteString(fs.realpathSync(source));
  const sourceScanning = ahead?.take(sourceRoot, request) ?? scanOne(sourceRoot, request);
  const replicaAtStart = isDirectory(replica) ? toByteString(fs.realpathSync(replica)) : undefined;
  const early = replicaAtStart === undefined ? undefined : { root: replicaAtStart, scan: ahead?.take(replicaAtStart, replicaRequest) ?? scanOne(replicaAtStart, replicaRequest) };
  for (const scanning of [sourceScanning, early?.scan]) scanning?.catch(() => undefined); // an early refusal leaves them unawaited
  return { replica, sourceRoot, source: sourceScanning, ...(early ? { early } : {}), replicaRequest };
}

/**
 * Awaits both scans and reports what they found but will not sync. `replicaThere`: the replica folder exists now
 * (it existed, or preflight made it); the replica's scan is started here if it was not at the start, or if the
 * replica is no longer the folder it was.
 */
export async function finishScans(started: StartedScans, replicaThere: boolean, emit: (event: SyncEvent) => void): Promise<Scans> {
  const replicaRoot = replicaThere ? toByteString(fs.realpathSync(started.replica)) : undefined;
  const replicaScanning =
    replicaRoot === undefined ? Promise.resolve(emptyTableScan()) : replicaRoot === started.early?.root ? started.early.scan : scanOne(replicaRoot, started.replicaRequest);
  const [source, replica] = await Promise.all([started.source, replicaScanning]);
  reportScans(source, replica, started.replica, emit);
  const protectedRoots = new Set([...source.unreadableDirs, ...source.problems.map((p) => p.path), ...source.mountPoints, ...replica.mountPoints]);
  return { source, replica, sourceRoot: started.sourceRoot, replicaRoot, protectedRoots };
}

function reportScans(sourceScan: TableScan, replicaScan: TableScan, replica: string, emit: (event: SyncEvent) => void): void {
  for (const problem of sourceScan.problems) emit({ type: 'op', op: 'error', path: problem.path, detail: problem.message });
  for (const problem of replicaScan.problems) emit({ type: 'op', op: 'error', path: problem.path, detail: `in the replica: ${problem.message}` });
  for (const rel of sourceScan.reserved) emit({ type: 'op', op: 'skip', path: rel, detail: 'the name is reserved for Folder Sync\'s temporary files' });
  for (const rel of sourceScan.mountPoints) {
    emit({ type: 'op', op: 'skip', path: rel, detail: 'a mount point (another file system, or a bind mount); not crossed (--cross-file-systems would)' });
  }
  // Never crossed, never deleted, nothing written below it: what is mounted there is not the replica's (a USB stick, a bind mount of another folder).
  for (const rel of replicaScan.mountPoints) emit({ type: 'warning', message: `"${path.join(replica, display(rel))}" is a mount point inside the replica; left alone.` });
}
