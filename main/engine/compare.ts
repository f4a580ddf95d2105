/**
 * The quick check: is a replica entry in sync with its source entry, judged from metadata alone?
 * mtimes are compared at the replica's precision (FAT keeps 2 s, exFAT 1 s, and Node's double-precision
 * utimes lands within a fraction of a microsecond even on ext4), widened by --modify-window.
 */
import type { RecordEntry } from './record.js';
import type { Entry, ReplicaTraits } from './types.js';

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
 * A file replaced by another of equal size and mtime has another inode or ctime.
 */
export function sourceMatchesRecord(src: Entry, rec: RecordEntry, ignoreCtime: boolean): boolean {
  if (rec.kind !== src.kind || rec.ino !== src.ino || rec.mtimeMs !== src.mtimeMs) return false;
  if (src.kind === 'file' && rec.size !== src.size) return false;
  // chmod changes ctime too: a changed mode explains a changed ctime, and is mirrored by chmod alone.
  return ignoreCtime || rec.ctimeMs === src.ctimeMs || rec.mode !== src.mode;
}

/** The replica entry is as we left it (no edit behind our back), at the replica's precision. */
export function replicaMatchesRecord(rep: Entry, rec: RecordEntry, tolerance: number): boolean {
  if (rep.kind !== rec.kind) return false;
  if (rep.kind === 'file' && rep.size !== rec.size) return false;
  return mtimeNear(rep.mtimeMs, rec.repMtimeMs, tolerance);
}

/** mtime in sync: through the record when it vouches for both sides, else source against replica. */
export function mtimeInSync(src: Entry, rep: Entry, rec: RecordEntry | undefined, tolerance: number): boolean {
  if (rec !== undefined && rec.kind === src.kind && rec.mtimeMs === src.mtimeMs && mtimeNear(rep.mtimeMs, rec.repMtimeMs, tolerance)) {
    return true;
  }
  return mtimeNear(src.mtimeMs, rep.mtimeMs, tolerance);
}
