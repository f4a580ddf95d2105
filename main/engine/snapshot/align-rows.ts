/**
 * Which row of another snapshot holds each row's path: the side-by-side walk of two lists in the one path order
 * (path-order.ts). The lists of a run mostly hold the same paths, so where both hold their paths as joined bytes
 * (path-text.ts) equal stretches are found by comparing blocks of bytes, growing while they match, and only the rows
 * around a difference are cut into strings and compared: a rename of one folder among 100,000 entries compares a few dozen paths.
 */
import { loadAtOps } from '../fs/at.js';
import { comparePaths } from './path-order.js';
import type { PathText } from './path-text.js';

/** What alignRows needs of a snapshot: its rows, and its joined paths when it has them. */
export interface AlignedList {
  readonly rows: number;
  readonly pathText: PathText | undefined;
  path(row: number): string;
}

/** The first block compared after a difference; blocks double while they match, up to MAX_BLOCK. */
const MIN_BLOCK = 64;
const MAX_BLOCK = 64 * 1024;

/** Per row of `a`, the row of `b` holding the same path, or -1: in C where the native addon loaded. */
export function alignRows(a: AlignedList, b: AlignedList): Int32Array {
  const native = loadAtOps().alignPathRows;
  if (native !== undefined && a.pathText !== undefined && b.pathText !== undefined) return native(a.pathText.bytes, a.pathText.starts, b.pathText.bytes, b.pathText.starts);
  return alignRowsHere(a, b);
}

/** The same in JavaScript. */
export function alignRowsHere(a: AlignedList, b: AlignedList): Int32Array {
  const map = new Int32Array(a.rows).fill(-1);
  const texts = a.pathText !== undefined && b.pathText !== undefined ? { a: a.pathText, b: b.pathText } : undefined;
  let i = 0;
  let j = 0;
  while (i < a.rows && j < b.rows) {
    if (texts !== undefined) {
      const same = equalRows(texts.a, i, texts.b, j);
      for (let k = 0; k < same; k += 1) map[i + k] = j + k;
      i += same;
      j += same;
      if (i === a.rows || j === b.rows) break;
    }
    const c = comparePaths(a.path(i), b.path(j));
    if (c === 0) map[i++] = j++;
    else if (c < 0) i += 1;
    else j += 1;
  }
  return map;
}

/** How many rows from row `i` of `a` and row `j` of `b` on hold the same paths, found by comparing bytes. */
function equalRows(a: PathText, i: number, b: PathText, j: number): number {
  const aStarts = a.starts;
  const bStarts = b.starts;
  const from = aStarts[i]!;
  const fromB = bStarts[j]!;
  const differsAt = from + commonLength(a.bytes, from, b.bytes, fromB);
  // Rows ending before the first difference are equal; so is one ending right at it if the other ends there too
  // (one list's bytes ended where the other's have the NUL before its next row).
  let rows = 0;
  while (i + rows < a.rows && j + rows < b.rows && aStarts[i + rows + 1]! - 1 < differsAt) rows += 1;
  if (i + rows < a.rows && j + rows < b.rows && aStarts[i + rows + 1]! - 1 === differsAt && bStarts[j + rows + 1]! - 1 - fromB === differsAt - from) rows += 1;
  return rows;
}

/** The length of the common prefix of `a` from `at` and `b` from `bt`. */
function commonLength(a: Buffer, at: number, b: Buffer, bt: number): number {
  const clampA = (offset: number): number => Math.min(at + offset, a.length);
  const clampB = (offset: number): number => Math.min(bt + offset, b.length);
  const same = (from: number, to: number): boolean => a.compare(b, clampB(from), clampB(to), clampA(from), clampA(to)) === 0;
  let done = 0;
  let block = MIN_BLOCK;
  for (;;) {
    if (!same(done, done + block)) break;
    if (at + done + block >= a.length || bt + done + block >= b.length) return done + Math.min(a.length - at - done, b.length - bt - done, block);
    done += block;
    block = Math.min(block * 2, MAX_BLOCK);
  }
  // The difference lies in the next `block` bytes: halve the range until it is one byte.
  let equal = done;
  let differs = done + block;
  while (differs - equal > 1) {
    const middle = (equal + differs) >>> 1;
    if (same(equal, middle)) equal = middle;
    else differs = middle;
  }
  return equal;
}
