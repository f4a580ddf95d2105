/**
 * A tree as columns, one row per entry in the one path order (path-order.ts): what a scan yields and what the
 * record stores, in the same layout, so the planner compares the two field by field with no object per entry (a
 * hundred thousand objects cost more to build and collect than both scans take). Entry objects are made only for
 * the rows a run has to reason about (`entry(i)`).
 *
 * Per row, `numbers` holds NUMBERS doubles: the five fields that identify a file (size, mtime, ctime, inode, birth
 * time) at the same offsets in every snapshot, then one field only its kind of snapshot has (a scan: the device; the
 * record: the replica's own mtime). `small` holds SMALL integers: the kind code and the mode bits.
 */
import type { Entry, EntryKind } from '../types.js';
import { comparePaths } from './path-order.js';
import { PathText } from './path-text.js';

export const KIND_CODES: readonly EntryKind[] = ['file', 'dir', 'symlink', 'other'];
export const KIND_CODE: Readonly<Record<EntryKind, number>> = { file: 0, dir: 1, symlink: 2, other: 3 };

export const SIZE = 0;
export const MTIME = 1;
export const CTIME = 2;
export const INO = 3;
/** Birth time in ms; 0 where the file system does not say (FUSE drives). */
export const BTIME = 4;
/** The device (ScanSnapshot.dev) or the replica's mtime (RecordSnapshot.repMtime). */
export const SIXTH = 5;
export const NUMBERS = 6;
export const KIND = 0;
export const MODE = 1;
export const SMALL = 2;

/** The paths of NUL-joined `text` (none for ''). */
export function splitPaths(text: string): string[] {
  return text === '' ? [] : text.split('\0');
}

/**
 * The columns of a tree. Paths arrive either as their bytes joined by NUL (a scan's column, a record file's), kept
 * whole and cut only for the rows asked for (path-text.ts) — a run that changed nothing asks for none, and two
 * snapshots from equal bytes hold the same paths row for row, which one comparison tells — or as a list.
 * A class with the getter on its prototype: object literals with a getter each made V8 grow the young generation
 * to its limit over thousands of runs.
 */
export class Snapshot {
  private split: readonly string[] | undefined;
  readonly pathText: PathText | undefined;

  constructor(
    /** Joined by NUL (bytes, or a byte string), or a list. */
    paths: Uint8Array | string | readonly string[],
    readonly rows: number,
    readonly numbers: Float64Array,
    readonly small: Uint32Array,
    /** Symlink targets by row. */
    readonly targets: ReadonlyMap<number, string>,
  ) {
    if (paths instanceof Uint8Array) this.pathText = new PathText(paths, rows);
    else if (typeof paths === 'string') this.pathText = PathText.of(paths, rows);
    else this.split = paths;
  }

  /** Every path as a string: for the few callers that need them all (a record put back in order, case folding). */
  get paths(): readonly string[] {
    this.split ??= splitPaths(this.pathText!.bytes.toString('latin1'));
    return this.split;
  }

  path(row: number): string {
    return this.split === undefined ? this.pathText!.at(row) : this.split[row]!;
  }

  /** The paths' bytes joined by NUL, as a record file stores them. */
  joinedPaths(): Uint8Array {
    return this.pathText?.bytes ?? Buffer.from(this.split!.join('\0'), 'latin1');
  }

  /** Rows `from` .. `from + count - 1` joined by NUL (count ≥ 1): a view of the bytes, or a string from a list. */
  joinedRows(from: number, count: number): Uint8Array | string {
    return this.split === undefined ? this.pathText!.join(from, count) : this.split.slice(from, from + count).join('\0');
  }

  /** True when both hold the same paths in the same rows, known without comparing a path; false says nothing. */
  samePathsAs(other: Snapshot): boolean {
    return this.pathText !== undefined && other.pathText !== undefined && this.pathText.equals(other.pathText);
  }

  kindCode(row: number): number {
    return this.small[row * SMALL + KIND]!;
  }

  kind(row: number): EntryKind {
    return KIND_CODES[this.kindCode(row)]!;
  }

  mode(row: number): number {
    return this.small[row * SMALL + MODE]!;
  }

  field(row: number, field: number): number {
    return this.numbers[row * NUMBERS + field]!;
  }

  /** The row holding `path`, or -1 (binary search in path order). */
  find(path: string): number {
    let low = 0;
    let high = this.rows - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const c = comparePaths(this.path(middle), path);
      if (c === 0) return middle;
      if (c < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** One row as a scanned entry (the sixth field is not part of it). */
  entry(row: number): Entry {
    const n = row * NUMBERS;
    const numbers = this.numbers;
    const entry: Entry = {
      kind: this.kind(row),
      size: numbers[n + SIZE]!,
      mtimeMs: numbers[n + MTIME]!,
      ctimeMs: numbers[n + CTIME]!,
      birthtimeMs: numbers[n + BTIME]!,
      mode: this.mode(row),
      ino: numbers[n + INO]!,
      dev: 0,
    };
    const target = this.targets.get(row);
    return target === undefined ? entry : { ...entry, target };
  }
}

/** A scanned tree: the sixth field is the device each entry lies on. */
export class ScanSnapshot extends Snapshot {
  dev(row: number): number {
    return this.numbers[row * NUMBERS + SIXTH]!;
  }

  override entry(row: number): Entry {
    return { ...super.entry(row), dev: this.dev(row) };
  }
}

export const EMPTY_SCAN = new ScanSnapshot([], 0, new Float64Array(0), new Uint32Array(0), new Map());
