/**
 * The file record: what the last runs synced, per path — the source's size, mtime, ctime, inode and mode, the
 * replica's own mtime, and a content hash when one was computed. It lets a no-change run skip every read,
 * notices a file replaced by another of equal size and mtime (inode, ctime), notices a replica file edited
 * behind our back (replica mtime) and finds renames without hashing (inode).
 *
 * In memory it is a table of columns, one row per entry; record-file.ts stores it.
 */
import type { MountIdentity } from '../fs/mounts.js';
import { pathOrder } from '../snapshot/path-order.js';
import type { ReplicaTraits } from '../types.js';

export interface RecordEntry {
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly mode: number;
  /** The replica's own mtime as last seen after syncing: an edit behind our back changes it. */
  readonly repMtimeMs: number;
  readonly hash?: string;
}


/**
 * The entries as columns, one row each: what is loaded, compared and saved, with no object per entry (a hundred
 * thousand objects cost more to build and collect than the scans of both trees take).
 */
export interface RecordTable {
  readonly paths: readonly string[];
  /** One code per row: f, d or l. */
  readonly kinds: string;
  /** COLUMNS numbers per row: size, mtimeMs, ctimeMs, ino, mode, replica mtimeMs. */
  readonly numbers: Float64Array;
  /** Content hashes by row. */
  readonly hashes: ReadonlyMap<number, string>;
  /**
   * The rows in path order (path-order.ts) when they are not stored so (a record written by an older version).
   * Absent, the rows are in path order: loadRecord checks, and every table made here is built so.
   */
  readonly order?: Int32Array;
}

export interface SyncRecord {
  readonly table: RecordTable;
  readonly replicaMount?: MountIdentity;
  readonly sourceMount?: MountIdentity;
  /** What the replica's file system was found to hold, reused while it stays on the same mount. */
  readonly traits?: ReplicaTraits;
}

export const KIND_LETTERS = { file: 'f', dir: 'd', symlink: 'l' } as const;
export const CODE_KINDS: Record<string, RecordEntry['kind']> = { f: 'file', d: 'dir', l: 'symlink' };

export const COLUMNS = 6;

export function emptyRecord(): SyncRecord {
  return { table: tableOf(new Map()) };
}

export function kindAt(table: RecordTable, row: number): RecordEntry['kind'] {
  return CODE_KINDS[table.kinds[row]!]!;
}

/** One row as an object, for the few entries a run has to reason about. */
export function rowEntry(table: RecordTable, row: number): RecordEntry {
  const n = table.numbers;
  const c = row * COLUMNS;
  const hash = table.hashes.get(row);
  const entry = { kind: kindAt(table, row), size: n[c]!, mtimeMs: n[c + 1]!, ctimeMs: n[c + 2]!, ino: n[c + 3]!, mode: n[c + 4]!, repMtimeMs: n[c + 5]! };
  return hash === undefined ? entry : { ...entry, hash };
}

/** Every row as an object, in row order. */
export function entriesOf(table: RecordTable): Map<string, RecordEntry> {
  const entries = new Map<string, RecordEntry>();
  for (let row = 0; row < table.paths.length; row += 1) entries.set(table.paths[row]!, rowEntry(table, row));
  return entries;
}

/**
 * Builds a table row by row; rows may be copied whole from another table. Copying allocates nothing per row: a
 * run that changed 1% of 100,000 entries copies the other 99%.
 */
export class TableBuilder {
  private readonly paths: string[] = [];
  private kinds: Uint8Array;
  private numbers: Float64Array;
  private readonly hashes = new Map<number, string>();

  /** `expectedRows`: how many rows will most likely come (a run knows: the source's entries), so none are copied. */
  constructor(expectedRows = 1024) {
    const rows = Math.max(1, expectedRows);
    this.numbers = new Float64Array(COLUMNS * rows);
    this.kinds = new Uint8Array(rows);
  }

  /** The row about to be added, with room made for it. */
  private nextRow(): number {
    const row = this.paths.length;
    if (row === this.kinds.length) {
      const kinds = new Uint8Array(row * 2);
      kinds.set(this.kinds);
      this.kinds = kinds;
      const numbers = new Float64Array(row * 2 * COLUMNS);
      numbers.set(this.numbers);
      this.numbers = numbers;
    }
    return row;
  }

  add(rel: string, e: RecordEntry): void {
    const row = this.nextRow();
    if (e.hash !== undefined) this.hashes.set(row, e.hash);
    this.paths.push(rel);
    this.kinds[row] = KIND_LETTERS[e.kind].charCodeAt(0);
    const n = this.numbers;
    const c = row * COLUMNS;
    n[c] = e.size;
    n[c + 1] = e.mtimeMs;
    n[c + 2] = e.ctimeMs;
    n[c + 3] = e.ino;
    n[c + 4] = e.mode;
    n[c + 5] = e.repMtimeMs;
  }

  copyRow(table: RecordTable, from: number): void {
    const row = this.nextRow();
    if (table.hashes.size > 0) {
      const hash = table.hashes.get(from);
      if (hash !== undefined) this.hashes.set(row, hash);
    }
    this.paths.push(table.paths[from]!);
    this.kinds[row] = table.kinds.charCodeAt(from);
    const n = this.numbers;
    const source = table.numbers;
    for (let c = row * COLUMNS, f = from * COLUMNS, end = c + COLUMNS; c < end; c += 1, f += 1) n[c] = source[f]!;
  }

  get size(): number {
    return this.paths.length;
  }

  build(): RecordTable {
    const rows = this.paths.length;
    const kinds = Buffer.from(this.kinds.buffer, this.kinds.byteOffset, rows).toString('latin1');
    // A view, not a copy: the unused tail of a presized column is small next to copying a million rows.
    return { paths: this.paths, kinds, numbers: this.numbers.subarray(0, rows * COLUMNS), hashes: this.hashes };
  }
}

/** The table with its rows in path order, as every record is saved. */
export function inPathOrder(table: RecordTable): RecordTable {
  const order = pathOrder(table.paths);
  if (order === undefined) return table;
  const builder = new TableBuilder();
  for (const row of order) builder.copyRow(table, row);
  return builder.build();
}

export function tableOf(entries: ReadonlyMap<string, RecordEntry>): RecordTable {
  const builder = new TableBuilder();
  for (const [rel, entry] of entries) builder.add(rel, entry);
  return inPathOrder(builder.build());
}
