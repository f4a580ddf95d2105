/**
 * A scan result packed for crossing a worker boundary: one string of NUL-separated paths (NUL never occurs in a
 * name) and typed-array columns that are transferred, not copied. Cloning a Map of 100,000 objects costs more
 * than the scan saves; this costs a few milliseconds.
 */
import type { ScanResult } from './scan.js';
import type { Entry, EntryKind } from './types.js';

const KINDS: readonly EntryKind[] = ['file', 'dir', 'symlink', 'other'];

export interface PackedScan {
  readonly paths: string;
  readonly count: number;
  readonly numbers: Float64Array;
  readonly small: Uint32Array;
  readonly targets: Array<[number, string]>;
  readonly problems: ScanResult['problems'];
  readonly unreadableDirs: string[];
  readonly reserved: string[];
}

/** Per entry: size, mtimeMs, ctimeMs, ino, dev in `numbers`; kind and mode in `small`. */
const NUMBERS = 5;
const SMALL = 2;

export function packScan(result: ScanResult): PackedScan {
  const count = result.entries.size;
  const numbers = new Float64Array(count * NUMBERS);
  const small = new Uint32Array(count * SMALL);
  const paths: string[] = new Array<string>(count);
  const targets: Array<[number, string]> = [];
  let i = 0;
  for (const [rel, e] of result.entries) {
    paths[i] = rel;
    const n = i * NUMBERS;
    numbers[n] = e.size;
    numbers[n + 1] = e.mtimeMs;
    numbers[n + 2] = e.ctimeMs;
    numbers[n + 3] = e.ino;
    numbers[n + 4] = e.dev;
    small[i * SMALL] = KINDS.indexOf(e.kind);
    small[i * SMALL + 1] = e.mode;
    if (e.target !== undefined) targets.push([i, e.target]);
    i += 1;
  }
  return {
    paths: paths.join('\0'),
    count,
    numbers,
    small,
    targets,
    problems: result.problems,
    unreadableDirs: result.unreadableDirs,
    reserved: result.reserved,
  };
}

export function unpackScan(packed: PackedScan): ScanResult {
  const entries = new Map<string, Entry>();
  const paths = packed.count === 0 ? [] : packed.paths.split('\0');
  const targets = new Map(packed.targets);
  const { numbers, small } = packed;
  for (let i = 0; i < packed.count; i += 1) {
    const n = i * NUMBERS;
    const target = targets.get(i);
    const entry: Entry = {
      kind: KINDS[small[i * SMALL]!]!,
      size: numbers[n]!,
      mtimeMs: numbers[n + 1]!,
      ctimeMs: numbers[n + 2]!,
      mode: small[i * SMALL + 1]!,
      ino: numbers[n + 3]!,
      dev: numbers[n + 4]!,
    };
    entries.set(paths[i]!, target === undefined ? entry : { ...entry, target });
  }
  return { entries, problems: packed.problems, unreadableDirs: packed.unreadableDirs, reserved: packed.reserved };
}
