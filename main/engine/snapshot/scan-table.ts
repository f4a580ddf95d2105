/**
 * A scanned tree as columns, one row per entry in path order (path-order.ts): how a scan reaches the planner.
 * Entry objects are made only for the rows a run has to reason about (see triage.ts).
 */
import { JoinedPaths } from './joined-paths.js';
import type { PackedScan } from '../scan/packed.js';
import type { ScanResult } from '../scan/walk.js';
import type { Entry, EntryKind } from '../types.js';

export const KIND_OF_CODE: readonly EntryKind[] = ['file', 'dir', 'symlink', 'other'];
export const OTHER_CODE = 3;
/** Per row in `numbers`: size, mtimeMs, ctimeMs, ino, dev. */
export const SCAN_NUMBERS = 5;
/** Per row in `small`: kind code (index in KIND_OF_CODE), mode. */
export const SCAN_SMALL = 2;

export interface ScanTable {
  readonly rows: number;
  /** Split from the scan's joined text when first read (path-list.ts). */
  readonly paths: readonly string[];
  readonly numbers: Float64Array;
  readonly small: Uint32Array;
  /** Symlink targets by row. */
  readonly targets: ReadonlyMap<number, string>;
}

export type TableScan = Omit<ScanResult, 'entries'> & {
  readonly table: ScanTable;
  /** How long the scan took, from its start to its last entry (set by scanOne). */
  readonly durationMs?: number;
};

/** A scan as it arrives from its worker: the paths stay one joined text until a path is first asked for. */
class ArrivedScanTable extends JoinedPaths implements ScanTable {
  readonly rows: number;
  readonly numbers: Float64Array;
  readonly small: Uint32Array;
  readonly targets: ReadonlyMap<number, string>;

  constructor(packed: PackedScan) {
    super(packed.paths);
    this.rows = packed.count;
    this.numbers = packed.numbers;
    this.small = packed.small;
    this.targets = new Map(packed.targets);
  }
}

export function tableScan(packed: PackedScan): TableScan {
  return { table: new ArrivedScanTable(packed), problems: packed.problems, unreadableDirs: packed.unreadableDirs, reserved: packed.reserved };
}

export function emptyTableScan(): TableScan {
  return { table: { rows: 0, paths: [], numbers: new Float64Array(0), small: new Uint32Array(0), targets: new Map() }, problems: [], unreadableDirs: [], reserved: [] };
}

export function scanEntry(table: ScanTable, row: number): Entry {
  const n = row * SCAN_NUMBERS;
  const s = row * SCAN_SMALL;
  const numbers = table.numbers;
  const entry: Entry = {
    kind: KIND_OF_CODE[table.small[s]!]!,
    size: numbers[n]!,
    mtimeMs: numbers[n + 1]!,
    ctimeMs: numbers[n + 2]!,
    mode: table.small[s + 1]!,
    ino: numbers[n + 3]!,
    dev: numbers[n + 4]!,
  };
  const target = table.targets.get(row);
  return target === undefined ? entry : { ...entry, target };
}
