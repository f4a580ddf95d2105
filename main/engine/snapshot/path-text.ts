/**
 * A snapshot's paths as they arrive: their bytes joined by NUL (a scan's column, a record file's), cut into a
 * string only for the rows a run asks about. Splitting them made a string per entry of each of the three trees —
 * most of a run's garbage when only a few entries changed — and even one string of all of them is a copy into
 * memory touched for the first time; the row starts cost one integer per row, and only when a row is asked for.
 */
import { loadAtOps } from '../fs/at.js';

export class PathText {
  /** Where each row starts, and one past the last row's end plus one (so row r ends at starts[r + 1] - 1). */
  private startsOf: Uint32Array | undefined;
  /** The same bytes, as a Buffer view (no copy) for its latin1 cuts and comparisons. */
  readonly bytes: Buffer;

  constructor(
    /** The paths' bytes (latin1: one byte per char of a byte string, paths.ts) joined by NUL, none after the last. */
    bytes: Uint8Array,
    readonly rows: number,
  ) {
    this.bytes = bufferView(bytes);
  }

  /** From a byte string (tests, older records): one copy. */
  static of(text: string, rows: number): PathText {
    return new PathText(Buffer.from(text, 'latin1'), rows);
  }

  get starts(): Uint32Array {
    this.startsOf ??= loadAtOps().pathRowStarts?.(this.bytes, this.rows) ?? rowStarts(this.bytes, this.rows);
    return this.startsOf;
  }

  at(row: number): string {
    const starts = this.starts;
    return this.bytes.toString('latin1', starts[row]!, starts[row + 1]! - 1);
  }

  /** Rows `from` .. `from + count - 1`, still joined by NUL (count ≥ 1): a view, not a copy. */
  join(from: number, count: number): Buffer {
    const starts = this.starts;
    return this.bytes.subarray(starts[from]!, starts[from + count]! - 1);
  }

  equals(other: PathText): boolean {
    return this.rows === other.rows && this.bytes.equals(other.bytes);
  }
}

/** The same bytes as a Buffer, for its latin1 cuts and comparisons: a view, never a copy. */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The same as the native addon's pathRowStarts, where it did not load. */
export function rowStarts(bytes: Uint8Array, rows: number): Uint32Array {
  const starts = new Uint32Array(rows + 1);
  let row = 1;
  for (let at = 0; at < bytes.length && row < rows; at += 1) if (bytes[at] === 0) starts[row++] = at + 1;
  starts[rows] = bytes.length + 1;
  return starts;
}
