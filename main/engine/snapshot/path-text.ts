/**
 * A snapshot's paths as they arrive: one NUL-joined text (a scan's, a record file's), cut into a string only for
 * the rows a run asks about. Splitting the whole text made a string per entry of each of the three trees — most of
 * a run's garbage when only a few entries changed — while the row starts cost one integer per row.
 */
export class PathText {
  /** Where each row starts, and one past the last row's end plus one (so row r ends at starts[r + 1] - 1). */
  private startsOf: Uint32Array | undefined;

  constructor(
    /** The paths joined by NUL (none after the last); '' for no rows. */
    readonly text: string,
    readonly rows: number,
  ) {}

  get starts(): Uint32Array {
    this.startsOf ??= rowStarts(this.text, this.rows);
    return this.startsOf;
  }

  at(row: number): string {
    const starts = this.starts;
    return this.text.substring(starts[row]!, starts[row + 1]! - 1);
  }

  /** Rows `from` .. `from + count - 1`, still joined by NUL (count ≥ 1). */
  join(from: number, count: number): string {
    const starts = this.starts;
    return this.text.substring(starts[from]!, starts[from + count]! - 1);
  }
}

function rowStarts(text: string, rows: number): Uint32Array {
  const starts = new Uint32Array(rows + 1);
  let at = 0;
  for (let row = 1; row < rows; row += 1) {
    at = text.indexOf('\0', at) + 1;
    starts[row] = at;
  }
  starts[rows] = text.length + 1;
  return starts;
}
