/**
 * Rows of a scan table as a read-only map from path to entry, each entry made when it is asked for. The planner
 * and the executor see source entries as a map; a first mirror has every one of them to plan, and holding them
 * as objects (each with five boxed numbers) cost many times the memory of these few bytes of index per row.
 */
import type { Entry } from '../types.js';
import type { Snapshot } from './snapshot.js';

export class ScanRows implements ReadonlyMap<string, Entry> {
  private readonly rows = new Map<string, number>();

  /** `rows`: row numbers of `table`, in the order the map lists them. */
  constructor(
    private readonly table: Snapshot,
    rows: Iterable<number>,
  ) {
    for (const row of rows) this.rows.set(table.path(row), row);
  }

  get size(): number {
    return this.rows.size;
  }

  get(rel: string): Entry | undefined {
    const row = this.rows.get(rel);
    return row === undefined ? undefined : this.table.entry(row);
  }

  has(rel: string): boolean {
    return this.rows.has(rel);
  }

  keys(): MapIterator<string> {
    return this.rows.keys();
  }

  *entries(): MapIterator<[string, Entry]> {
    for (const [rel, row] of this.rows) yield [rel, this.table.entry(row)];
  }

  *values(): MapIterator<Entry> {
    for (const row of this.rows.values()) yield this.table.entry(row);
  }

  [Symbol.iterator](): MapIterator<[string, Entry]> {
    return this.entries();
  }

  forEach(callback: (value: Entry, key: string, map: ReadonlyMap<string, Entry>) => void): void {
    for (const [rel, row] of this.rows) callback(this.table.entry(row), rel, this);
  }

  /** The same rows but those of `paths`. */
  without(paths: ReadonlySet<string>): ScanRows {
    const kept: number[] = [];
    for (const [rel, row] of this.rows) if (!paths.has(rel)) kept.push(row);
    return new ScanRows(this.table, kept);
  }
}
