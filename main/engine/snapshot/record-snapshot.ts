/**
 * The record's tree (record/): a Snapshot of the source as the last runs synced it, whose sixth field is the
 * replica's own mtime as last seen after syncing (an edit behind our back changes it), with content hashes where
 * one was computed.
 */
import { KIND_CODE, MTIME, CTIME, INO, BTIME, SIXTH, SIZE, NUMBERS, Snapshot } from './snapshot.js';

export interface RecordEntry {
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  /** 0 where the source's file system does not say. */
  readonly birthtimeMs: number;
  readonly mode: number;
  /** The replica's own mtime as last seen after syncing: an edit behind our back changes it. */
  readonly repMtimeMs: number;
  readonly hash?: string;
}

/** The kinds a record holds: everything but 'other' (FIFOs, sockets and devices are never synced). */
export const RECORD_KIND_CODES = [KIND_CODE.file, KIND_CODE.dir, KIND_CODE.symlink] as const;

export class RecordSnapshot extends Snapshot {
  constructor(
    paths: Uint8Array | string | readonly string[],
    rows: number,
    numbers: Float64Array,
    small: Uint32Array,
    /** Content hashes by row. */
    readonly hashes: ReadonlyMap<number, string>,
  ) {
    super(paths, rows, numbers, small, new Map());
  }

  repMtime(row: number): number {
    return this.numbers[row * NUMBERS + SIXTH]!;
  }

  recordKind(row: number): RecordEntry['kind'] {
    return this.kind(row) as RecordEntry['kind'];
  }

  /** One row as an object, for the few entries a run has to reason about. */
  recordEntry(row: number): RecordEntry {
    const n = this.numbers;
    const c = row * NUMBERS;
    const entry = {
      kind: this.recordKind(row),
      size: n[c + SIZE]!,
      mtimeMs: n[c + MTIME]!,
      ctimeMs: n[c + CTIME]!,
      ino: n[c + INO]!,
      birthtimeMs: n[c + BTIME]!,
      mode: this.mode(row),
      repMtimeMs: n[c + SIXTH]!,
    };
    const hash = this.hashes.get(row);
    return hash === undefined ? entry : { ...entry, hash };
  }

  /** Every row as an object, in path order. */
  recordEntries(): Map<string, RecordEntry> {
    const entries = new Map<string, RecordEntry>();
    for (let row = 0; row < this.rows; row += 1) entries.set(this.path(row), this.recordEntry(row));
    return entries;
  }
}

export const EMPTY_RECORD = new RecordSnapshot([], 0, new Float64Array(0), new Uint32Array(0), new Map());
