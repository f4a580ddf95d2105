/**
 * Before a run scans or plans anything: the pair's record, whether its drives are where the record says (an
 * unplugged drive is refused, not mirrored into its empty mount point), the configuration checks, the replica made
 * if missing, and what the replica's file system can hold (from the record while the drive stays mounted where it
 * was, else probed). A configuration mistake throws a ConfigError (exit 2, nothing touched).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDirectory } from '../fs/is-directory.js';
import { mountOf, type MountIdentity } from '../fs/mounts.js';
import { toByteString } from '../fs/paths.js';
import { conservativeTraits, NATIVE_TRAITS, probeReplica } from '../fs/probe.js';
import { validatePairSync, type Refusal } from '../plan/safety.js';
import { loadRecord, recordFileFor, type LoadedRecord } from '../record/record-file.js';
import type { SyncRecord } from '../record/record.js';
import type { ReplicaTraits } from '../types.js';
import { ConfigError, type SyncOptions } from './options.js';

export async function currentMount(target: string): Promise<MountIdentity | undefined> {
  try {
    return await mountOf(target);
  } catch {
    return undefined;
  }
}

/** Checked before anything else, scans included: there is nothing to mirror. */
export function sourceMissing(options: SyncOptions, source: string): Refusal | undefined {
  if (isDirectory(source)) return undefined;
  return { reason: 'source-missing', message: `The source folder "${options.source}" is missing or not a folder; nothing was changed.` };
}

/** Throws a ConfigError naming the input when the pair cannot be synced at all (exit code 2). */
export async function validatePair(options: Pick<SyncOptions, 'source' | 'replica' | 'trash'> & { stateDir?: string }): Promise<void> {
  try {
    validatePairSync(options);
  } catch (error) {
    // A replica whose drive is unplugged (its mount point gone) is for the run to refuse and wait for, not a mistake.
    if (error instanceof ConfigError && error.reason === 'replica-parent-missing' && options.stateDir !== undefined) {
      if (await replicaDriveMissing(options.stateDir, options.source, options.replica)) return;
    }
    throw error;
  }
}

async function replicaDriveMissing(stateDir: string, sourcePath: string, replicaPath: string): Promise<boolean> {
  const source = path.resolve(sourcePath);
  const replica = path.resolve(replicaPath);
  const { record } = loadRecord(recordFileFor(stateDir, source, replica), source, replica);
  const now = await currentMount(replica);
  return record.replicaMount !== undefined && now !== undefined && now.mountPoint !== record.replicaMount.mountPoint;
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

/** File-system types whose drives cannot hold what a Linux source holds; for dry runs before any probe. */
const FOREIGN_FS_TYPES = /^(vfat|msdos|exfat|ntfs|ntfs3|fuseblk|fuse\.fusefat|fuse\.exfat|cifs|smb3)$/;

/** A dry run writes nothing, not even a probe: what the last run found, or a guess from the mount. */
function guessTraits(record: SyncRecord, mount: MountIdentity | undefined): ReplicaTraits {
  if (record.traits) return record.traits;
  if (mount && FOREIGN_FS_TYPES.test(mount.fsType)) return conservativeTraits(`dry run, guessed from the file-system type ${mount.fsType}`);
  return { ...NATIVE_TRAITS, summary: 'not probed (dry run): assuming a native Linux file system' };
}

/** Traits come from the record while the replica stays on the same mount: a no-change run writes nothing. */
function replicaTraits(record: SyncRecord, replica: string, mount: MountIdentity | undefined): { traits: ReplicaTraits; probed: boolean } {
  const cached = record.traits;
  if (cached && record.replicaMount && mount && record.replicaMount.mountPoint === mount.mountPoint && record.replicaMount.fsType === mount.fsType) {
    return { traits: cached, probed: false };
  }
  return { traits: probeReplica(toByteString(replica)), probed: true };
}

export interface Prepared {
  readonly recordFile: string;
  readonly loaded: LoadedRecord;
  readonly replicaMount: MountIdentity | undefined;
  readonly sourceMount: MountIdentity | undefined;
  /** The replica folder is there now: it existed, or this run made it (a dry run makes none, and scans nothing there). */
  readonly replicaThere: boolean;
  readonly traits: ReplicaTraits;
  /** The traits were probed just now, not taken from the record. */
  readonly probed: boolean;
}

/** `source` and `replica`: resolved host paths. */
export async function prepare(options: SyncOptions, source: string, replica: string, warn: (message: string) => void): Promise<{ refusal: Refusal } | { prepared: Prepared }> {
  const recordFile = recordFileFor(options.stateDir, source, replica);
  const loaded = loadRecord(recordFile, source, replica);
  if (loaded.warning) warn(loaded.warning);
  const record = loaded.record;
  const [replicaMount, sourceMount] = await Promise.all([currentMount(replica), currentMount(source)]);
  const refusal = checkMounts(record, replicaMount, sourceMount, options);
  if (refusal) return { refusal };
  // After the mount check: a replica whose parent vanished with its drive is "not connected", not a mistake.
  validatePairSync(options);
  const replicaExisted = isDirectory(replica);
  const dryRun = options.dryRun ?? false;
  if (!replicaExisted && !dryRun) fs.mkdirSync(replica);
  const { traits, probed } = dryRun ? { traits: guessTraits(record, replicaMount), probed: false } : replicaTraits(record, replica, replicaMount);
  return { prepared: { recordFile, loaded, replicaMount, sourceMount, replicaThere: replicaExisted || !dryRun, traits, probed } };
}
