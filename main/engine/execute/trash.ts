/**
 * `--trash DIR`: what the mirror deletes or overwrites in the replica is moved into a dated folder under DIR
 * (keeping its relative path) instead of being destroyed, and dated folders older than the retention limit are
 * removed at the start of a run. DIR may hold anything else: only folders this module made are ever pruned, known
 * by their name (a UTC time stamp) and by the marker file put in each when it is made.
 *
 * Everything here acts through descriptors (fs/tree.ts): the trash folder is opened once, and the replica's files
 * are renamed into it folder descriptor to folder descriptor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDirectory } from '../fs/is-directory.js';
import { isFile, isFolder, isLink, Tree, childOf } from '../fs/tree.js';
import { parentOf, toByteString } from '../fs/paths.js';
import type { Action, SyncEvent } from '../types.js';

export interface TrashOptions {
  readonly dir: string;
  /** Dated folders older than this many days are removed. */
  readonly keepDays: number;
}

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:~\d+)?$/;
const DAY_MS = 86_400_000;
/** In every dated folder this module makes: pruning removes nothing without it. */
export const TRASH_MARKER = '.folder-sync-trash';

function stampOf(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

function stampTime(name: string): number | undefined {
  const m = STAMP.exec(name);
  if (m === null) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Opens the trash folder (a byte-string path), making it (and only it: its parent must exist, checked with the pair). */
export function openTrash(dir: string): Tree {
  try {
    fs.mkdirSync(Buffer.from(dir, 'latin1'), { mode: 0o700 });
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
  }
  return Tree.open(dir);
}

/** Removes the dated folders this module made that are older than the limit; returns their names. */
export function pruneTrash(trash: Tree, keepDays: number, now = new Date()): string[] {
  const removed: string[] = [];
  for (const name of trash.readDir('')) {
    const time = stampTime(name);
    if (time === undefined || now.getTime() - time <= keepDays * DAY_MS) continue;
    const marker = trash.lstat(`${name}/${TRASH_MARKER}`);
    const folder = trash.lstat(name);
    // A folder that merely looks dated (a user's own, or one a link points away from) is never touched.
    if (folder === undefined || !isFolder(folder) || marker === undefined || !isFile(marker)) continue;
    trash.removeAll(name);
    removed.push(name);
  }
  return removed;
}

/**
 * The run's trash, its old dated folders pruned. The trash folder is made only for a run that may put something in it
 * (a deletion, an overwrite, a file moved over another); without one, nothing is lost without it either.
 */
export function startTrash(options: TrashOptions, actions: readonly Action[], emit: (event: SyncEvent) => void): RunTrash | undefined {
  const dir = path.resolve(options.dir);
  const needed = actions.some((a) => a.type === 'delete' || a.type === 'update' || a.type === 'move');
  if (!needed && !isDirectory(dir)) return undefined;
  const tree = openTrash(toByteString(dir));
  for (const name of pruneTrash(tree, options.keepDays)) {
    emit({ type: 'op', op: 'cleanup', path: '', detail: `removed trash folder ${name} (older than ${options.keepDays} days)` });
  }
  return RunTrash.startingAt(tree);
}

/** Copies a file or a symlink from one tree to another through descriptors (a move across file systems). */
function copyAcross(from: Tree, rel: string, to: Tree, target: string): void {
  const stat = from.lstat(rel);
  if (stat === undefined) return;
  if (isLink(stat)) {
    to.symlink(from.readlink(rel), target);
    return;
  }
  const input = from.openRead(rel);
  try {
    const output = to.openNew(target, stat.mode & 0o777);
    try {
      const buffer = Buffer.allocUnsafe(1 << 20);
      for (let position = 0; ; ) {
        const read = fs.readSync(input, buffer, 0, buffer.length, position);
        if (read === 0) break;
        for (let done = 0; done < read; ) done += fs.writeSync(output, buffer, done, read - done);
        position += read;
      }
      to.ops.futimes(output, stat.mtimeMs, stat.mtimeMs);
    } finally {
      to.ops.close(output);
    }
  } finally {
    from.ops.close(input);
  }
}

/** The dated folder of one run, in the opened trash folder; made (with its marker) when something is first put in it. */
export class RunTrash {
  /** `folder`: the dated folder's name (a copy worker is given the run's). */
  constructor(
    readonly tree: Tree,
    readonly folder: string,
  ) {}

  /** The trash of a run starting now: a dated name no folder in the trash has yet. */
  static startingAt(tree: Tree, now = new Date()): RunTrash {
    let folder = stampOf(now);
    for (let n = 2; tree.lstat(folder) !== undefined; n += 1) folder = `${stampOf(now)}~${n}`;
    return new RunTrash(tree, folder);
  }

  /** Where the replica entry at relative path `rel` goes, in the trash tree. */
  pathFor(rel: string): string {
    return `${this.folder}/${rel}`;
  }

  /** Makes the folders down to the parent of `rel`'s place (concurrent callers: EEXIST is fine). */
  private prepare(rel: string): void {
    const parts = [this.folder, ...(parentOf(rel) === '' ? [] : parentOf(rel).split('/'))];
    let at = '';
    for (const part of parts) {
      at = childOf(at, part);
      try {
        this.tree.mkdir(at, 0o700);
        if (at === this.folder) this.tree.ops.close(this.tree.openNew(`${this.folder}/${TRASH_MARKER}`, 0o600));
      } catch (error) {
        if (codeOf(error) !== 'EEXIST') throw error;
      }
    }
  }

  /** Moves the replica's entry at `rel` into the trash (a copy and an unlink across file systems). */
  put(replica: Tree, rel: string): void {
    this.prepare(rel);
    try {
      replica.renameTo(rel, this.tree, this.pathFor(rel));
    } catch (error) {
      if (codeOf(error) !== 'EXDEV') throw error;
      copyAcross(replica, rel, this.tree, this.pathFor(rel));
      replica.unlink(rel);
    }
  }

  /**
   * Keeps the replica file at `rel` that is about to be overwritten: a hard link leaves it in place until the copy's
   * atomic rename; on drives without hard links (FAT, exFAT) the old file is moved aside first (never a partial file
   * under its name, for a moment none), and on another file system copied.
   */
  keep(replica: Tree, rel: string): void {
    this.prepare(rel);
    try {
      replica.linkTo(rel, this.tree, this.pathFor(rel));
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return;
      if (codeOf(error) === 'EXDEV') copyAcross(replica, rel, this.tree, this.pathFor(rel));
      else this.put(replica, rel);
    }
  }
}
