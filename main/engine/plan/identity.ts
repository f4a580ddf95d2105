/**
 * The quick check: is a replica entry in sync with its source entry, judged from metadata alone?
 * mtimes are compared at the replica's precision (FAT keeps 2 s, exFAT 1 s, and Node's double-precision
 * utimes lands within a fraction of a microsecond even on ext4), widened by --modify-window.
 */
import { orderedLookup, type ReadableMap } from '../snapshot/ordered-lookup.js';
import type { RecordEntry } from '../record/record.js';
import type { Entry, ReplicaTraits } from '../types.js';

/** libuv sets mtimes truncated to the microsecond: the finest step any replica shows. */
const UTIMES_PRECISION_MS = 0.001;
/** mtimeMs is a double: around 2026 it is only good to ~0.24 µs, so a correct µs-truncated copy can read 1 µs off. */
const DOUBLE_SLACK_MS = 0.0005;

export function mtimeTolerance(traits: ReplicaTraits, modifyWindowMs = 0): number {
  return Math.max(traits.mtimeGranularityMs, UTIMES_PRECISION_MS) + DOUBLE_SLACK_MS + modifyWindowMs;
}

/** Equal at a tolerance: a floored replica mtime is below the exact one by less than one granule. */
export function mtimeNear(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) < tolerance;
}

/**
 * The source entry is the very one the record saw: same inode, size, mtime and (unless explained) ctime.
 * A file replaced by another of equal size and mtime has another inode or ctime. On a source whose file system
 * renumbers inodes (FUSE drives, after a remount: see inodesLookStable) only size and mtime can be compared.
 */
export function sourceMatchesRecord(src: Entry, rec: RecordEntry, ignoreCtime: boolean, trustInodes = true): boolean {
  if (rec.kind !== src.kind || rec.mtimeMs !== src.mtimeMs) return false;
  if (src.kind === 'file' && rec.size !== src.size) return false;
  if (!trustInodes) return true;
  if (rec.ino !== src.ino) return false;
  // chmod changes ctime too: a changed mode explains a changed ctime, and is mirrored by chmod alone.
  return ignoreCtime || rec.ctimeMs === src.ctimeMs || rec.mode !== src.mode;
}

/**
 * False when the source's inode numbers changed wholesale since the record was written (exFAT and FAT drives
 * under FUSE number them by lookup order, anew at every mount): most files kept their size and mtime but not
 * their inode. Then inodes identify nothing, and renames are found by content instead. `confirmedElsewhere`
 * counts files known to have kept theirs (settled by triage.ts, so not in `source`).
 */
export function inodesLookStable(source: ReadonlyMap<string, Entry>, record: ReadableMap<RecordEntry>, confirmedElsewhere = 0): boolean {
  let same = confirmedElsewhere;
  let renumbered = 0;
  const recordAt = orderedLookup(record);
  for (const [rel, src] of source) {
    if (src.kind !== 'file') continue;
    const rec = recordAt(rel);
    if (rec === undefined || rec.kind !== 'file' || rec.size !== src.size || rec.mtimeMs !== src.mtimeMs) continue;
    if (rec.ino === src.ino) same += 1;
    else renumbered += 1;
  }
  return renumbered < 8 || renumbered <= same;
}

/** The replica entry is as we left it (no edit behind our back), at the replica's precision. */
export function replicaMatchesRecord(rep: Entry, rec: RecordEntry, tolerance: number): boolean {
  if (rep.kind !== rec.kind) return false;
  if (rep.kind === 'file' && rep.size !== rec.size) return false;
  return replicaMtimeAsRecorded(rep.mtimeMs, rec.repMtimeMs, tolerance);
}

/** What DOS-era date fields (FAT, exFAT) hold: 1980 to 2107, with a day of slack for the drive's time zone. */
const DOS_DATES_FROM_MS = Date.UTC(1980, 0, 2);
const DOS_DATES_UNTIL_MS = Date.UTC(2107, 11, 30);

/**
 * The replica's mtime is the one recorded after syncing it. On drives that keep whole seconds or coarser (the
 * DOS-date family), an mtime outside 1980–2107 cannot be held: exfat-fuse reports it as set until the drive is
 * remounted, and clamped or wrapped after. Such a recorded mtime says nothing about the file, and holding it
 * against the replica would re-copy the file after every plug-in; size and the source side still decide.
 */
function replicaMtimeAsRecorded(repMs: number, recordedMs: number, tolerance: number): boolean {
  if (mtimeNear(repMs, recordedMs, tolerance)) return true;
  return tolerance >= 1000 && (recordedMs < DOS_DATES_FROM_MS || recordedMs > DOS_DATES_UNTIL_MS);
}

/** mtime in sync: through the record when it vouches for both sides, else source against replica. */
export function mtimeInSync(src: Entry, rep: Entry, rec: RecordEntry | undefined, tolerance: number): boolean {
  if (rec !== undefined && rec.kind === src.kind && rec.mtimeMs === src.mtimeMs && replicaMtimeAsRecorded(rep.mtimeMs, rec.repMtimeMs, tolerance)) {
    return true;
  }
  return mtimeNear(src.mtimeMs, rep.mtimeMs, tolerance);
}
