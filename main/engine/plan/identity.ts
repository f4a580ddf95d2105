/**
 * The identity of a file, written once: is this source entry the very one the record saw, unchanged since (then
 * the replica's copy need not be read or rewritten), or the one the record saw under another name (then the
 * replica's copy may be moved instead of copied)? And is the replica's copy as the record left it? Every stage
 * asks here (in the spirit of Syncthing's FileInfo.IsEquivalentOptional): the triage over columns (settledRow), the
 * planner and the rename finder over entries, the next record keeping a row or a hash (next-record.ts), the copy
 * that checks its source did not change while it was read (copy-file.ts). One function, sameFile, and its options.
 *
 * What tells files apart, from metadata alone:
 * - size and mtime: every ordinary edit changes one;
 * - the inode: a file replaced by another (a save through a temp file, a restore) has another, unless the file system
 *   hands the freed number to the new file at once (ext4 does), which is what the birth time tells apart;
 * - the ctime: a writer that restores the mtime (cp -p, tar, rsync -t) still moves it; a rename does too, and a
 *   chmod, which is why a changed mode explains a changed ctime and a renamed file's contents are confirmed.
 * mtimes are compared exactly on the source side and at the replica's precision on the replica side (FAT keeps
 * 2 s, exFAT 1 s, and Node's double-precision utimes lands within a fraction of a microsecond even on ext4).
 */
import type { RecordSnapshot, RecordEntry } from '../snapshot/record-snapshot.js';
import { BTIME, CTIME, INO, KIND, KIND_CODE, MODE, MTIME, NUMBERS, SIXTH, SIZE, SMALL, type Snapshot } from '../snapshot/snapshot.js';
import { orderedLookup, type ReadableMap } from '../snapshot/ordered-lookup.js';
import type { Entry, ReplicaTraits } from '../types.js';

/** libuv sets mtimes truncated to the microsecond: the finest step any replica shows. */
const UTIMES_PRECISION_MS = 0.001;
/**
 * Half a microsecond of slack: epoch milliseconds in a double are good to about 0.24 µs (0.49 µs by 2100), so an
 * exact source mtime just under one step from its floored copy could otherwise compare unequal, and stay so after
 * every re-copy. The price: a change of exactly one step is taken as no change.
 */
const DOUBLE_SLACK_MS = 0.0005;

/**
 * How far apart two mtimes may be and still be the same at a replica's granularity, widened by a user's modify
 * window (rsync's --modify-window). Drivers floor (FAT and exFAT here), round to nearest or round up (Windows'
 * FAT), so a replica mtime lies less than one step from the exact source mtime; a change of more than one step is
 * always seen. A smaller change can go unnoticed: the replica cannot hold the difference anyway, and a changed size
 * or the record's ctime still catch such edits.
 */
export function toleranceOf(granularityMs: number, modifyWindowMs = 0): number {
  return Math.max(granularityMs, UTIMES_PRECISION_MS) + DOUBLE_SLACK_MS + modifyWindowMs;
}

export function mtimeTolerance(traits: ReplicaTraits, modifyWindowMs = 0): number {
  return toleranceOf(traits.mtimeGranularityMs, modifyWindowMs);
}

/** Equal at a tolerance: a floored replica mtime is below the exact one by less than one granule. */
export function mtimeNear(a: number, b: number, tolerance: number): boolean {
  return Math.abs(a - b) < tolerance;
}

/**
 * Set-uid and set-gid: the replica's files are owned by whoever runs the mirror (ownership is not mirrored), so
 * these bits would hand that user's rights — root's, for a system backup — to anyone who can run the copy. Cleared,
 * as cp does when it cannot keep the owner; on folders set-gid goes too (it passes a group on), the sticky bit stays
 * (it only restricts).
 */
const PRIVILEGE_BITS = 0o6000;

/** The mode a replica entry is given for a source mode. */
export function mirroredMode(mode: number): number {
  return mode & 0o7777 & ~PRIVILEGE_BITS;
}

export function hasPrivilegeBits(entry: Pick<Entry, 'kind' | 'mode'>): boolean {
  return entry.kind !== 'symlink' && (entry.mode & PRIVILEGE_BITS) !== 0;
}

/** Birth times agree, or one side does not know (0: FUSE drives report none, older records kept none). */
export function birthCompatible(a: number, b: number): boolean {
  return a === b || a === 0 || b === 0;
}

/** What tells one file from another, as a scan, the record or a fresh stat of an open file has it. */
export type Identity = Pick<Entry, 'kind' | 'size' | 'mtimeMs' | 'ctimeMs' | 'ino' | 'birthtimeMs' | 'mode'>;

/**
 * How far sameFile looks, as Syncthing's FileInfo.IsEquivalentOptional takes a FileInfoComparison: each question
 * the engine asks of a file is one set of these, named below, never a comparison of its own.
 */
export interface SameFileOptions {
  /**
   * The source's inode numbers identify files (see inodesLookStable): inode and birth time are compared, and the
   * ctime as `ctime` says. False compares kind, size and mtime (and mode, if asked) only.
   */
  readonly trustInodes: boolean;
  /**
   * 'exact': every change of ctime counts (a chmod too: the record must learn it). 'unless-chmod': a changed mode
   * explains a changed ctime, and is mirrored by chmod alone, so the contents are still the ones seen. 'ignore':
   * the question is whether the file was renamed, and a rename moves ctime (see renameEvidence).
   */
  readonly ctime: 'exact' | 'unless-chmod' | 'ignore';
  /** The mode is part of it: a row the record keeps says the mode the source has. */
  readonly mode: boolean;
}

/** Unchanged in every field the record keeps: a settled entry, a record row kept as it is. */
export const UNCHANGED: SameFileOptions = { trustInodes: true, ctime: 'exact', mode: true };
/** Still the file a scan saw, while a copy reads it: a write that restores the mtime still moves the ctime. */
export const SINCE_SCAN: SameFileOptions = { trustInodes: true, ctime: 'exact', mode: false };
/** Holds the contents the record saw (a chmod since is mirrored by chmod): the planner's compare, a kept hash. */
export function sameContents(trustInodes: boolean): SameFileOptions {
  return trustInodes ? SAME_CONTENTS_BY_INODE : SAME_CONTENTS_BY_METADATA;
}
const SAME_CONTENTS_BY_INODE: SameFileOptions = { trustInodes: true, ctime: 'unless-chmod', mode: false };
const SAME_CONTENTS_BY_METADATA: SameFileOptions = { trustInodes: false, ctime: 'unless-chmod', mode: false };
/** The file the record saw, perhaps renamed since. */
const RENAMED: SameFileOptions = { trustInodes: true, ctime: 'ignore', mode: false };

/**
 * The identity rule, written once: `a` is the file `b` describes (same kind, size, mtime; with trusted inodes same
 * inode and a compatible birth time), unchanged as far as `options` ask. settledRow is the same rule over columns.
 */
export function sameFile(a: Identity, b: Identity, options: SameFileOptions): boolean {
  if (a.kind !== b.kind || a.size !== b.size || a.mtimeMs !== b.mtimeMs) return false;
  if (options.mode && a.mode !== b.mode) return false;
  if (!options.trustInodes) return true;
  if (a.ino !== b.ino || !birthCompatible(a.birthtimeMs, b.birthtimeMs)) return false;
  if (options.ctime === 'ignore' || a.ctimeMs === b.ctimeMs) return true;
  // chmod changes ctime too: a changed mode explains a changed ctime, and is mirrored by chmod alone.
  return options.ctime === 'unless-chmod' && a.mode !== b.mode;
}

/**
 * What the metadata says of a source file found where the record had another path: 'different' (not the record's
 * file), 'same' (the record's file, ctime untouched: a file inside a renamed folder, so its contents are the
 * recorded ones), or 'confirm' (the record's file, but its ctime moved: a rename does that, and so does a rewrite in
 * place that restored size and mtime — only the contents can tell, so compare them before moving).
 */
export type RenameEvidence = 'different' | 'same' | 'confirm';

export function renameEvidence(src: Entry, rec: RecordEntry, trustInodes: boolean): RenameEvidence {
  if (!sameFile(src, rec, trustInodes ? RENAMED : sameContents(false))) return 'different';
  return trustInodes && rec.ctimeMs === src.ctimeMs ? 'same' : 'confirm';
}

/** The replica entry is as we left it (no edit behind our back), at the replica's precision. */
export function replicaAsRecorded(rep: Entry, rec: RecordEntry, tolerance: number): boolean {
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

/**
 * A replica file the record does not vouch for (no row: a replica adopted, or a run killed after copying it and
 * before saving its record) holds the source's contents when size and mtime agree, unless it was written before
 * the source last changed: a rewrite in place that put size and mtime back (cp -p, tar, rsync -t) after that copy
 * leaves both agreeing and only the ctimes tell, the copy's being when it was written. Asked only where the
 * replica's ctime is a change time, on file systems with sub-millisecond times: FAT and exFAT drivers report a
 * creation time or the mtime there, and every such file would be copied again.
 */
export function copyOlderThanSource(src: Entry, rep: Entry, traits: ReplicaTraits): boolean {
  return traits.mtimeGranularityMs < 1 && rep.ctimeMs < src.ctimeMs;
}

/** mtime in sync: through the record when it vouches for both sides, else source against replica. */
export function mtimeInSync(src: Entry, rep: Entry, rec: RecordEntry | undefined, tolerance: number): boolean {
  if (rec !== undefined && rec.kind === src.kind && rec.mtimeMs === src.mtimeMs && replicaMtimeAsRecorded(rep.mtimeMs, rec.repMtimeMs, tolerance)) {
    return true;
  }
  return mtimeNear(src.mtimeMs, rep.mtimeMs, tolerance);
}

/**
 * Settled: the source entry is the record's, UNCHANGED, and the replica's is exactly as the record left it, mode
 * and link target included. Planning a settled entry yields no action and the record keeps its row as it is, so
 * the triage sets these aside before planning. The object form; settledRow is the same rule over columns (a
 * property test holds the two equal).
 */
export function settled(src: Entry, rep: Entry, rec: RecordEntry, modes: boolean): boolean {
  if (src.kind === 'other' || !sameFile(src, rec, UNCHANGED)) return false;
  if (rep.kind !== src.kind || rep.size !== src.size || rep.mtimeMs !== rec.repMtimeMs) return false;
  if (modes && src.kind !== 'symlink' && rep.mode !== mirroredMode(src.mode)) return false;
  return src.kind !== 'symlink' || src.target === rep.target;
}

/**
 * settled() over rows of the source scan, the replica scan and the record: no object made (the triage asks it of
 * every path of a run, most of which change nothing). sameFile(src, rec, UNCHANGED) spelled over columns; the
 * property test in tests/engine/plan/identity.test.ts holds it to settled() and so to sameFile.
 */
export function settledRow(source: Snapshot, s: number, replica: Snapshot, r: number, record: RecordSnapshot, c: number, modes: boolean): boolean {
  const kind = source.small[s * SMALL + KIND]!;
  if (kind === KIND_CODE.other || replica.small[r * SMALL + KIND] !== kind || record.small[c * SMALL + KIND] !== kind) return false;
  const mode = source.small[s * SMALL + MODE]!;
  if (modes && kind !== KIND_CODE.symlink && replica.small[r * SMALL + MODE] !== mirroredMode(mode)) return false;
  const src = source.numbers;
  const rep = replica.numbers;
  const rec = record.numbers;
  const sn = s * NUMBERS;
  const rn = r * NUMBERS;
  const cn = c * NUMBERS;
  const srcBirth = src[sn + BTIME]!;
  const recBirth = rec[cn + BTIME]!;
  const same =
    src[sn + SIZE] === rec[cn + SIZE] && rep[rn + SIZE] === src[sn + SIZE] &&
    src[sn + MTIME] === rec[cn + MTIME] && src[sn + CTIME] === rec[cn + CTIME] && src[sn + INO] === rec[cn + INO] &&
    (srcBirth === recBirth || srcBirth === 0 || recBirth === 0) &&
    mode === record.small[c * SMALL + MODE] &&
    rep[rn + MTIME] === rec[cn + SIXTH]; // the replica's mtime as the record left it
  return same && (kind !== KIND_CODE.symlink || source.targets.get(s) === replica.targets.get(r));
}

/**
 * False when the source's inode numbers changed wholesale since the record was written (exFAT and FAT drives
 * under FUSE number them by lookup order, anew at every mount): most files kept their size and mtime but not
 * their inode. Then inodes identify nothing, and renames are found by content instead. `confirmedElsewhere`
 * counts files known to have kept theirs (settled by the triage, so not in `source`).
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
