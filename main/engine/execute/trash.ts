/**
 * `--trash DIR`: what the mirror deletes or overwrites in the replica is moved into a dated folder under DIR
 * (keeping its relative path) instead of being destroyed, and dated folders older than the retention limit are
 * removed at the start of a run. Only folders named by this module are ever pruned: DIR may hold other things.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsPath, toByteString } from '../fs/paths.js';

export interface TrashOptions {
  readonly dir: string;
  /** Dated folders older than this many days are removed. */
  readonly keepDays: number;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:~\d+)?$/;
const DAY_MS = 86_400_000;

function stampOf(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

function stampTime(name: string): number | undefined {
  const m = STAMP.exec(name);
  if (m === null) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

/** Removes dated folders older than the limit; returns their names. */
export function pruneTrash(options: TrashOptions, now = new Date()): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(options.dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const time = stampTime(name);
    if (time === undefined || now.getTime() - time <= options.keepDays * DAY_MS) continue;
    fs.rmSync(path.join(options.dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Moves `absBytes` to `targetBytes`, across file systems if need be. Parents of the target are created. */
export function moveAside(absBytes: string, targetBytes: string): void {
  const target = fsPath(targetBytes);
  fs.mkdirSync(fsPath(path.posix.dirname(targetBytes)), { recursive: true });
  try {
    fs.renameSync(fsPath(absBytes), target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.cpSync(fsPath(absBytes).toString(), target.toString(), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    fs.rmSync(fsPath(absBytes), { recursive: true, force: true });
  }
}

/** The dated folder of one run; created only when something is put in it. */
export class RunTrash {
  readonly folder: string;

  constructor(options: TrashOptions, now = new Date()) {
    let folder = path.join(options.dir, stampOf(now));
    for (let n = 2; fs.existsSync(folder); n += 1) folder = path.join(options.dir, `${stampOf(now)}~${n}`);
    this.folder = toByteString(folder);
  }

  /** Where the replica entry at relative byte-string path `rel` goes. */
  pathFor(rel: string): string {
    return `${this.folder}/${rel}`;
  }

  put(absBytes: string, rel: string): void {
    moveAside(absBytes, this.pathFor(rel));
  }
}
