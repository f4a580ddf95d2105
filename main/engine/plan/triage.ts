/**
 * Triage: before any planning, set aside the entries that are settled — present in the source, the replica and
 * the record, and exactly as the record left them on both sides. Planning any of them yields no action and the
 * record keeps their row as it is, so the planner only ever sees the rest: a run that changed nothing makes no
 * object per entry, and a run that changed 3% plans 3%.
 *
 * The three lists are walked side by side in path order, compared column by column: no map, no allocation.
 */
import { samePathText } from '../snapshot/joined-paths.js';
import { ScanRows } from '../snapshot/scan-rows.js';
import { comparePaths, findRow } from '../snapshot/path-order.js';
import { parentOf } from '../fs/paths.js';
import { COLUMNS, KIND_LETTERS, rowEntry, type RecordEntry, type RecordTable } from '../record/record.js';
import { OTHER_CODE, SCAN_NUMBERS, SCAN_SMALL, scanEntry, type ScanTable } from '../snapshot/scan-table.js';
import type { Entry } from '../types.js';

/** A record row's kind letter (its char code, record.ts) as a scan's kind code (scan-table.ts). */
const KIND_OF_RECORD_CODE: Readonly<Record<number, number>> = { [KIND_LETTERS.file.charCodeAt(0)]: 0, [KIND_LETTERS.dir.charCodeAt(0)]: 1, [KIND_LETTERS.symlink.charCodeAt(0)]: 2 };
const SYMLINK_CODE = 2;

export interface TriageOptions {
  /** The replica keeps mode bits: a settled entry has the source's mode there too. */
  readonly modes: boolean;
  /**
   * False settles nothing, when the planner must see every entry: --checksum (contents decide), freshly probed
   * traits (the record was made under other ones).
   */
  readonly enabled: boolean;
  /**
   * On a case-insensitive replica, the case-folding key of a name (names.ts). Source names that fold alike in one
   * folder are never settled, nor is anything below them: which of them the replica holds is the planner's call.
   */
  readonly fold?: (name: string) => string;
}

export interface Triage {
  /** Per source row: the record row it is settled with, or -1. */
  readonly settledWith: Int32Array;
  readonly replicaSettled: Uint8Array;
  readonly recordSettled: Uint8Array;
  /** Settled regular files: files whose inode the record confirms (see inodesLookStable). */
  readonly settledFiles: number;
  readonly recordOrder: Int32Array | undefined;
}

/**
 * For each source path in turn, the row of another list (in path order, or in `order`) that holds it, or -1. The
 * lists mostly hold the same paths, so the next row is usually the one: a single string comparison, and
 * comparePaths only to skip the rows the list holds alone.
 */
function rowFinder(paths: readonly string[], order: Int32Array | undefined): (path: string) => number {
  const rowAt = order === undefined ? (position: number): number => position : (position: number): number => order[position]!;
  let next = 0;
  return (path) => {
    if (next === paths.length) return -1;
    if (paths[rowAt(next)] !== path) {
      while (next < paths.length && comparePaths(paths[rowAt(next)]!, path) < 0) next += 1;
      if (next === paths.length || paths[rowAt(next)] !== path) return -1;
    }
    // This path's row: no later source path can be its.
    next += 1;
    return rowAt(next - 1);
  };
}

export function triage(source: ScanTable, replica: ScanTable, record: RecordTable, options: TriageOptions): Triage {
  // A scan lists its tree in path order by construction (tests/engine/path-order.test.ts holds it to that), and
  // a record table is in it unless its `order` says otherwise (record.ts).
  const recordOrder = record.order;
  const result = {
    settledWith: new Int32Array(source.rows).fill(-1),
    replicaSettled: new Uint8Array(replica.rows),
    recordSettled: new Uint8Array(record.kinds.length),
    settledFiles: 0,
    recordOrder,
  };
  if (!options.enabled) return result;
  // Lists split from equal texts hold the same paths row for row: a no-change run compares no path at all.
  const replicaAligned = samePathText(source, replica);
  const recordAligned = recordOrder === undefined && samePathText(source, record);
  const replicaRow = replicaAligned ? undefined : rowFinder(replica.paths, undefined);
  const recordRow = recordAligned ? undefined : rowFinder(record.paths, recordOrder);
  const collides = options.fold === undefined ? undefined : caseCollisions(source.paths, options.fold);
  const needsPaths = replicaRow !== undefined || recordRow !== undefined || collides !== undefined;
  for (let s = 0; s < source.rows; s += 1) {
    const path = needsPaths ? source.paths[s]! : '';
    const r = replicaRow === undefined ? s : replicaRow(path);
    const rec = r === -1 ? -1 : recordRow === undefined ? s : recordRow(path);
    if (rec === -1 || !isSettled(source, s, replica, r, record, rec, options) || collides?.(path) === true) continue;
    result.settledWith[s] = rec;
    result.replicaSettled[r] = 1;
    result.recordSettled[rec] = 1;
    if (source.small[s * SCAN_SMALL] === 0) result.settledFiles += 1;
  }
  return result;
}

/**
 * Paths whose name folds like a sibling's, or that lie below one. A folder's entries are listed together (scan
 * order), so siblings are compared a folder at a time; the answer is "no" at once when nothing collides.
 */
function caseCollisions(paths: readonly string[], fold: (name: string) => string): (rel: string) => boolean {
  const colliding = new Set<string>();
  let folder: string | undefined;
  let seen = new Map<string, string>();
  for (const rel of paths) {
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : rel.slice(0, slash);
    if (parent !== folder) {
      folder = parent;
      seen = new Map();
    }
    const key = fold(rel.slice(slash + 1));
    const other = seen.get(key);
    if (other === undefined) seen.set(key, rel);
    else colliding.add(other).add(rel);
  }
  if (colliding.size === 0) return () => false;
  return (rel) => {
    for (let at = rel; at !== ''; at = parentOf(at)) if (colliding.has(at)) return true;
    return false;
  };
}

/** Exactly what planning asks of an entry that needs nothing, and what the record's reuse of a row asks. */
function isSettled(source: ScanTable, s: number, replica: ScanTable, r: number, record: RecordTable, c: number, options: TriageOptions): boolean {
  const kind = source.small[s * SCAN_SMALL]!;
  if (kind === OTHER_CODE || replica.small[r * SCAN_SMALL] !== kind || KIND_OF_RECORD_CODE[record.kinds.charCodeAt(c)] !== kind) return false;
  const mode = source.small[s * SCAN_SMALL + 1]!;
  if (options.modes && kind !== SYMLINK_CODE && replica.small[r * SCAN_SMALL + 1] !== mode) return false;
  const src = source.numbers;
  const rep = replica.numbers;
  const rec = record.numbers;
  const sn = s * SCAN_NUMBERS;
  const rn = r * SCAN_NUMBERS;
  const cn = c * COLUMNS;
  const same =
    src[sn] === rec[cn] && rep[rn] === src[sn] && // size
    src[sn + 1] === rec[cn + 1] && // mtime
    src[sn + 2] === rec[cn + 2] && // ctime
    src[sn + 3] === rec[cn + 3] && // inode
    mode === rec[cn + 4] &&
    rep[rn + 1] === rec[cn + 5]; // the replica's mtime as the record left it
  return same && (kind !== SYMLINK_CODE || source.targets.get(s) === replica.targets.get(r));
}

export interface Unsettled {
  /** Entries made when asked for (scan-rows.ts): a first mirror has every source entry to plan. */
  readonly source: ScanRows;
  readonly replica: Map<string, Entry>;
  readonly record: Map<string, RecordEntry>;
}

/** The entries left to plan, as objects, each map in path order. */
export function unsettledEntries(t: Triage, source: ScanTable, replica: ScanTable, record: RecordTable): Unsettled {
  const sourceRows: number[] = [];
  for (let s = 0; s < source.rows; s += 1) if (t.settledWith[s] === -1) sourceRows.push(s);
  const out: Unsettled = { source: new ScanRows(source, sourceRows), replica: new Map(), record: new Map() };
  for (let r = 0; r < replica.rows; r += 1) {
    if (t.replicaSettled[r] === 0) out.replica.set(replica.paths[r]!, scanEntry(replica, r));
  }
  const order = t.recordOrder;
  for (let i = 0; i < record.kinds.length; i += 1) {
    const c = order === undefined ? i : order[i]!;
    if (t.recordSettled[c] === 0) out.record.set(record.paths[c]!, rowEntry(record, c));
  }
  return out;
}

/**
 * Every source entry the replica is to hold, by path: the planned ones from `wanted`, the settled ones made on
 * demand (the executor asks for the folders it restamps, and most of those are settled).
 */
export function sourceLookup(t: Triage, source: ScanTable, unsettled: ReadonlyMap<string, Entry>, wanted: ReadonlyMap<string, Entry>): SourceLookup {
  const get = (rel: string): Entry | undefined => {
    if (unsettled.has(rel)) return wanted.get(rel);
    const row = findRow(source.paths, undefined, rel);
    return row >= 0 && t.settledWith[row] !== -1 ? scanEntry(source, row) : undefined;
  };
  return { get, has: (rel) => get(rel) !== undefined };
}

export interface SourceLookup {
  get(rel: string): Entry | undefined;
  has(rel: string): boolean;
}
