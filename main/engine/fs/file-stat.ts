/** FileStat (at.ts) from the two places it is read: Node's fs.Stats, and the addon's array of numbers. */
import type fs from 'node:fs';
import type { FileStat } from './at.js';

export function fileStatOf(stat: fs.Stats): FileStat {
  return {
    mode: stat.mode,
    size: stat.size,
    blocks: stat.blocks,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
    birthtimeMs: stat.birthtimeMs,
    ino: stat.ino,
    dev: stat.dev,
    nlink: stat.nlink,
    uid: stat.uid,
    gid: stat.gid,
  };
}

/** How many numbers the addon writes, in STAT_FIELDS order (native/src/stat.h). */
export const STAT_FIELDS = 11;

export function fileStatFrom(n: Float64Array): FileStat {
  return {
    mode: n[0]!,
    size: n[1]!,
    blocks: n[2]!,
    mtimeMs: n[3]!,
    ctimeMs: n[4]!,
    birthtimeMs: n[5]!,
    ino: n[6]!,
    dev: n[7]!,
    nlink: n[8]!,
    uid: n[9]!,
    gid: n[10]!,
  };
}
