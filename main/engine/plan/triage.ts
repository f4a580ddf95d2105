/**
 * Triage: before any planning, set aside the entries that are settled — present in the source, the replica and
 * the record, and exactly as the record left them on both sides. Planning any of them yields no action and the
 * record keeps their row as it is, so the planner only ever sees the rest: a run that changed nothing makes no
 * object per entry, and a run that changed 3% plans 3%.
 *
 * The three lists are walked side by side in path order (align-rows.ts), compared column by column: no map, and no
 * string per entry.
 */
import { parentOf } from '../fs/paths.js';
import { alignRows } from '../snapshot/align-rows.js';
import { RecordSnapshot, type RecordEntry } from '../snapshot/record-snapshot.js';
import { ScanRows } from '../snapshot/scan-rows.js';
import { KIND_CODE, SMALL, type Snapshot } from '../snapshot/snapshot.js';
import type { Entry } from '../types.js';
import { settledRow } from './identity.js';

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
}

/**
 * Walks the three snapshots side by side in path order (every snapshot is kept in it), asking identity.ts's
 * settledRow of each source path the replica and the record also hold.
 */
export function triage(source: Snapshot, replica: Snapshot, record: RecordSnapshot, options: TriageOptions): Triage {
  const result = {
    settledWith: new Int32Array(source.rows).fill(-1),
    replicaSettled: new Uint8Array(replica.rows),
    recordSettled: new Uint8Array(record.rows),
    settledFiles: 0,
  };
  if (!options.enabled) return result;
  // Snapshots from equal texts hold the same paths row for row: a no-change run compares no path at all.
  const replicaRows = source.samePathsAs(replica) ? undefined : alignRows(source, replica);
  const recordRows = source.samePathsAs(record) ? undefined : alignRows(source, record);
  const collides = options.fold === undefined ? undefined : caseCollisions(source.paths, options.fold);
  for (let s = 0; s < source.rows; s += 1) {
    const r = replicaRows === undefined ? s : replicaRows[s]!;
    const rec = r === -1 ? -1 : recordRows === undefined ? s : recordRows[s]!;
    if (rec === -1 || !settledRow(source, s, replica, r, record, rec, options.modes) || collides?.(source.path(s)) === true) continue;
    result.settledWith[s] = rec;
    result.replicaSettled[r] = 1;
    result.recordSettled[rec] = 1;
    if (source.small[s * SMALL] === KIND_CODE.file) result.settledFiles += 1;
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

export interface Unsettled {
  /** Entries made when asked for (scan-rows.ts): a first mirror has every source entry to plan. */
  readonly source: ScanRows;
  readonly replica: Map<string, Entry>;
  readonly record: Map<string, RecordEntry>;
}

/** The entries left to plan, as objects, each map in path order. */
export function unsettledEntries(t: Triage, source: Snapshot, replica: Snapshot, record: RecordSnapshot): Unsettled {
  const sourceRows: number[] = [];
  for (let s = 0; s < source.rows; s += 1) if (t.settledWith[s] === -1) sourceRows.push(s);
  const out: Unsettled = { source: new ScanRows(source, sourceRows), replica: new Map(), record: new Map() };
  for (let r = 0; r < replica.rows; r += 1) {
    if (t.replicaSettled[r] === 0) out.replica.set(replica.path(r), replica.entry(r));
  }
  for (let c = 0; c < record.rows; c += 1) {
    if (t.recordSettled[c] === 0) out.record.set(record.path(c), record.recordEntry(c));
  }
  return out;
}

/**
 * Every source entry the replica is to hold, by path: the planned ones from `wanted`, the settled ones made on
 * demand (the executor asks for the folders it restamps, and most of those are settled).
 */
export function sourceLookup(t: Triage, source: Snapshot, unsettled: ReadonlyMap<string, Entry>, wanted: ReadonlyMap<string, Entry>): SourceLookup {
  const get = (rel: string): Entry | undefined => {
    if (unsettled.has(rel)) return wanted.get(rel);
    const row = source.find(rel);
    return row >= 0 && t.settledWith[row] !== -1 ? source.entry(row) : undefined;
  };
  return { get, has: (rel) => get(rel) !== undefined };
}

export interface SourceLookup {
  get(rel: string): Entry | undefined;
  has(rel: string): boolean;
}
