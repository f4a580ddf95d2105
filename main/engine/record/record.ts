/**
 * The file record: what the last runs synced, per path — the source's size, mtime, ctime, inode, birth time and
 * mode, the replica's own mtime, and a content hash when one was computed. It lets a no-change run skip every read,
 * notices a file replaced by another of equal size and mtime (inode, birth time, ctime), notices a replica file
 * edited behind our back (replica mtime) and finds renames without hashing (inode).
 *
 * In memory it is a RecordSnapshot (snapshot/record-snapshot.ts); record-file.ts stores it.
 */
import type { MountIdentity } from '../fs/mounts.js';
import { PathPieces } from '../snapshot/path-pieces.js';
import { pathOrder } from '../snapshot/path-order.js';
import { EMPTY_RECORD, RecordSnapshot, type RecordEntry } from '../snapshot/record-snapshot.js';
import { BTIME, CTIME, INO, KIND, KIND_CODE, MODE, MTIME, NUMBERS, SIXTH, SIZE, SMALL } from '../snapshot/snapshot.js';
import type { ReplicaTraits } from '../types.js';

export type { RecordEntry } from '../snapshot/record-snapshot.js';
export { RecordSnapshot } from '../snapshot/record-snapshot.js';

export interface SyncRecord {
  readonly table: RecordSnapshot;
  readonly replicaMount?: MountIdentity;
  readonly sourceMount?: MountIdentity;
  /** What the replica's file system was found to hold, reused while it stays on the same mount. */
  readonly traits?: ReplicaTraits;
}

export function emptyRecord(): SyncRecord {
  return { table: EMPTY_RECORD };
}

/**
 * Builds a record row by row; rows may be copied whole from another record. Copying allocates nothing per row: a
 * run that changed 1% of 100,000 entries copies the other 99%, their paths as one piece of the old record's text.
 */
export class TableBuilder {
  private readonly paths = new PathPieces();
  private rows = 0;
  private numbers: Float64Array;
  private small: Uint32Array;
  private readonly hashes = new Map<number, string>();

  /** `expectedRows`: how many rows will most likely come (a run knows: the source's entries), so none are copied. */
  constructor(expectedRows = 1024) {
    const rows = Math.max(1, expectedRows);
    this.numbers = new Float64Array(NUMBERS * rows);
    this.small = new Uint32Array(SMALL * rows);
  }

  /** The row about to be added, with room made for it. */
  private nextRow(): number {
    const row = this.rows;
    if (row * SMALL === this.small.length) this.grow(row + 1);
    this.rows += 1;
    return row;
  }

  add(rel: string, e: RecordEntry): void {
    const row = this.nextRow();
    if (e.hash !== undefined) this.hashes.set(row, e.hash);
    this.paths.add(rel, 1);
    const n = this.numbers;
    const c = row * NUMBERS;
    n[c + SIZE] = e.size;
    n[c + MTIME] = e.mtimeMs;
    n[c + CTIME] = e.ctimeMs;
    n[c + INO] = e.ino;
    n[c + BTIME] = e.birthtimeMs;
    n[c + SIXTH] = e.repMtimeMs;
    this.small[row * SMALL + KIND] = KIND_CODE[e.kind];
    this.small[row * SMALL + MODE] = e.mode;
  }

  copyRow(table: RecordSnapshot, from: number): void {
    const row = this.nextRow();
    if (table.hashes.size > 0) {
      const hash = table.hashes.get(from);
      if (hash !== undefined) this.hashes.set(row, hash);
    }
    this.paths.add(table.path(from), 1);
    const n = this.numbers;
    const source = table.numbers;
    for (let c = row * NUMBERS, f = from * NUMBERS, end = c + NUMBERS; c < end; c += 1, f += 1) n[c] = source[f]!;
    this.small[row * SMALL + KIND] = table.small[from * SMALL + KIND]!;
    this.small[row * SMALL + MODE] = table.small[from * SMALL + MODE]!;
  }

  /**
   * Rows `from` .. `from + count - 1` of `table`, copied whole: a run's settled rows come in long stretches that
   * are consecutive in the old record too, and one typed-array copy per stretch replaces a loop per row.
   */
  copyRows(table: RecordSnapshot, from: number, count: number): void {
    if (count === 1) {
      this.copyRow(table, from);
      return;
    }
    const row = this.rows;
    const rows = row + count;
    if (rows * SMALL > this.small.length) this.grow(rows);
    this.rows = rows;
    if (table.hashes.size > 0) {
      for (let i = 0; i < count; i += 1) {
        const hash = table.hashes.get(from + i);
        if (hash !== undefined) this.hashes.set(row + i, hash);
      }
    }
    this.paths.add(table.joinedRows(from, count), count);
    this.numbers.set(table.numbers.subarray(from * NUMBERS, (from + count) * NUMBERS), row * NUMBERS);
    this.small.set(table.small.subarray(from * SMALL, (from + count) * SMALL), row * SMALL);
  }

  /** Room for at least `rows` rows, at least doubling (so adding row by row stays linear). */
  private grow(rows: number): void {
    const capacity = Math.max(rows, (this.small.length / SMALL) * 2);
    const small = new Uint32Array(capacity * SMALL);
    small.set(this.small);
    this.small = small;
    const numbers = new Float64Array(capacity * NUMBERS);
    numbers.set(this.numbers);
    this.numbers = numbers;
  }

  get size(): number {
    return this.rows;
  }

  build(): RecordSnapshot {
    const rows = this.rows;
    // Views, not copies: the unused tail of a presized column is small next to copying a million rows.
    return new RecordSnapshot(this.paths.joined(), rows, this.numbers.subarray(0, rows * NUMBERS), this.small.subarray(0, rows * SMALL), this.hashes);
  }
}

/** The rows of `table` in path order (a record written by an older version may hold them otherwise). */
export function inPathOrder(table: RecordSnapshot): RecordSnapshot {
  const order = pathOrder(table.paths);
  if (order === undefined) return table;
  const builder = new TableBuilder(table.rows);
  for (const row of order) builder.copyRow(table, row);
  return builder.build();
}

export function tableOf(entries: ReadonlyMap<string, RecordEntry>): RecordSnapshot {
  const builder = new TableBuilder(entries.size);
  for (const [rel, entry] of entries) builder.add(rel, entry);
  return inPathOrder(builder.build());
}

/** Every row as an object, in path order. */
export function entriesOf(table: RecordSnapshot): Map<string, RecordEntry> {
  return table.recordEntries();
}
