/**
 * A tree the engine acts in — the replica, the source, the trash — as one facade over AtOps (at.ts): every call
 * names an entry by its relative byte-string path, and every one acts relative to its parent folder's descriptor,
 * that folder having been opened from the root one component at a time without following links (after rsync's
 * secure_relative_open and Syncthing's lib/fs). So no swap of a folder for a symlink, at any moment, can make an
 * operation act outside the tree: a component that became a link fails to open (ENOTDIR or ELOOP), and the last
 * component is never followed either (unlinkat, renameat and mkdirat never do; opens add O_NOFOLLOW; times and
 * modes are set without following).
 *
 * Folder descriptors are cached (least recently used first out, bounded so that several trees and workers stay far
 * below the open-files limit) and forgotten when the tree itself renames or removes a folder. All calls are
 * synchronous, so a cached descriptor is never closed while a call uses it.
 */
import fs from 'node:fs';
import type { EntryKind } from '../types.js';
import { loadAtOps, type AtOps, type EntryAt, type FileStat } from './at.js';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NONBLOCK, S_IFMT, S_IFDIR, S_IFREG, S_IFLNK } = fs.constants;

/** Folder descriptors a tree keeps open: a run's folders are mostly visited in order, so few are reused later. */
const CACHED_FOLDERS = 48;

/**
 * The class is long because it is the facade: one short method per file operation, each the one place where that
 * operation is made safe, so the guarantee has one place to live and one place to test.
 */
export class Tree {
  private readonly folders = new Map<string, number>();
  private closed = false;

  private constructor(
    readonly rootFd: number,
    private readonly ownsRoot: boolean,
    readonly ops: AtOps,
  ) {}

  /** The folder at an absolute path (the user's choice, so links in it are followed), opened as this tree's root. */
  static open(absPath: string, ops: AtOps = loadAtOps()): Tree {
    return new Tree(ops.openRoot(absPath), true, ops);
  }

  /** A tree over a root descriptor someone else keeps open (a copy worker borrows the run's). */
  static borrow(rootFd: number, ops: AtOps = loadAtOps()): Tree {
    return new Tree(rootFd, false, ops);
  }

  /** The descriptor of the folder at `rel` ('' is the root), opened component by component, never through a link. */
  folder(rel: string): number {
    if (rel === '') return this.rootFd;
    const cached = this.folders.get(rel);
    if (cached !== undefined) {
      this.folders.delete(rel);
      this.folders.set(rel, cached);
      return cached;
    }
    const slash = rel.lastIndexOf('/');
    const parent = this.folder(slash < 0 ? '' : rel.slice(0, slash));
    const fd = this.ops.openDirAt(parent, rel.slice(slash + 1));
    this.folders.set(rel, fd);
    if (this.folders.size > CACHED_FOLDERS) {
      const [oldest, oldFd] = this.folders.entries().next().value as [string, number];
      this.folders.delete(oldest);
      this.ops.close(oldFd);
    }
    return fd;
  }

  /** The parent folder's descriptor and the last component of `rel` (which must not be the root). */
  private at(rel: string): [number, string] {
    const slash = rel.lastIndexOf('/');
    return slash < 0 ? [this.rootFd, rel] : [this.folder(rel.slice(0, slash)), rel.slice(slash + 1)];
  }

  /**
   * `rel`'s parent folder descriptor and last component, for a call that runs off this thread (copyFileAsync): it
   * must duplicate the descriptor before it returns, since a later call here may close it.
   */
  entryAt(rel: string): EntryAt {
    const [dirFd, name] = this.at(rel);
    return { dirFd, name };
  }

  /** Forgets the descriptors of `rel` and of every folder below it: they were renamed or removed. */
  private forget(rel: string): void {
    for (const [cached, fd] of this.folders) {
      if (cached === rel || (cached.startsWith(rel) && cached.charCodeAt(rel.length) === 47)) {
        this.folders.delete(cached);
        this.ops.close(fd);
      }
    }
  }

  lstat(rel: string): FileStat | undefined {
    if (rel === '') return this.ops.fstat(this.rootFd);
    try {
      const [dir, name] = this.at(rel);
      return this.ops.statAt(dir, name);
    } catch (error) {
      // A folder on the way that is gone or no longer a folder: nothing is at `rel`.
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return undefined;
      throw error;
    }
  }

  readlink(rel: string): string {
    const [dir, name] = this.at(rel);
    return this.ops.readlinkAt(dir, name);
  }

  /** The names in the folder at `rel` (byte strings), in no particular order. */
  readDir(rel: string): string[] {
    return this.ops.readDir(this.folder(rel));
  }

  mkdir(rel: string, mode: number): void {
    const [dir, name] = this.at(rel);
    this.ops.mkdirAt(dir, name, mode);
  }

  unlink(rel: string): void {
    const [dir, name] = this.at(rel);
    this.ops.unlinkAt(dir, name);
  }

  /** unlink on libuv's pool (AtOps.unlinkAtAsync): a run's many deletions, several at once. */
  async unlinkAsync(rel: string): Promise<void> {
    const [dir, name] = this.at(rel);
    await this.ops.unlinkAtAsync(dir, name);
  }

  rmdir(rel: string): void {
    const [dir, name] = this.at(rel);
    this.ops.rmdirAt(dir, name);
    this.forget(rel);
  }

  /** Renames within this tree; `to` is replaced if it is a file (rename(2)'s rules). */
  rename(from: string, to: string): void {
    this.renameTo(from, this, to);
  }

  /** Renames into another tree on the same file system (the trash), or this one. */
  renameTo(from: string, target: Tree, to: string): void {
    const [fromDir, fromName] = this.at(from);
    const [toDir, toName] = target.at(to);
    this.ops.renameAt(fromDir, fromName, toDir, toName);
    this.forget(from);
    target.forget(to);
  }

  /** A hard link at `to` in `target` to the entry at `from` here (never through a link). */
  linkTo(from: string, target: Tree, to: string): void {
    const [fromDir, fromName] = this.at(from);
    const [toDir, toName] = target.at(to);
    this.ops.linkAt(fromDir, fromName, toDir, toName);
  }

  symlink(target: string, rel: string): void {
    const [dir, name] = this.at(rel);
    this.ops.symlinkAt(target, dir, name);
  }

  /** Never follows: on a symlink it throws ENOTSUP. */
  chmod(rel: string, mode: number): void {
    if (rel === '') {
      this.ops.fchmod(this.rootFd, mode);
      return;
    }
    const [dir, name] = this.at(rel);
    this.ops.chmodAt(dir, name, mode);
  }

  /** Sets atime and mtime to `mtimeMs`, never following. */
  setMtime(rel: string, mtimeMs: number): void {
    if (rel === '') {
      this.ops.futimes(this.rootFd, mtimeMs, mtimeMs);
      return;
    }
    const [dir, name] = this.at(rel);
    this.ops.setTimesAt(dir, name, mtimeMs, mtimeMs);
  }

  /** Opens an existing entry for reading without following a link or blocking on a FIFO; the caller closes it. */
  openRead(rel: string): number {
    const [dir, name] = this.at(rel);
    return this.ops.openAt(dir, name, O_RDONLY | O_NONBLOCK);
  }

  /** Creates a new file for writing; fails if anything (a planted link included) is there. The caller closes it. */
  openNew(rel: string, mode: number): number {
    const [dir, name] = this.at(rel);
    return this.ops.openAt(dir, name, O_WRONLY | O_CREAT | O_EXCL, mode);
  }

  /** Opens an existing file for writing (to stamp it), never through a link. The caller closes it. */
  openWritable(rel: string): number {
    const [dir, name] = this.at(rel);
    return this.ops.openAt(dir, name, O_WRONLY | O_NONBLOCK);
  }

  /**
   * A path to `rel` through its parent folder's descriptor (/proc/self/fd/N/name), for the few calls only a path
   * reaches (a reflink clone). Use it at once: a later call may close that descriptor.
   */
  procPath(rel: string): string | Buffer {
    const [dir, name] = this.at(rel);
    const prefix = `/proc/self/fd/${dir}/`;
    // eslint-disable-next-line no-control-regex -- NUL never occurs; 0x01-0x7f is ASCII
    return /^[\x01-\x7f]*$/.test(name) ? prefix + name : Buffer.concat([Buffer.from(prefix), Buffer.from(name, 'latin1')]);
  }

  /** Removes `rel` and everything below it, through descriptors, never following a link; absent is fine. */
  removeAll(rel: string): void {
    const stat = this.lstat(rel);
    if (stat === undefined) return;
    if ((stat.mode & S_IFMT) === S_IFDIR) {
      for (const name of this.readDir(rel)) this.removeAll(rel === '' ? name : `${rel}/${name}`);
      if (rel !== '') this.rmdir(rel);
    } else this.unlink(rel);
  }

  /** Closes every descriptor this tree opened (the root too, unless borrowed). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.folders.values()) this.ops.close(fd);
    this.folders.clear();
    if (this.ownsRoot) this.ops.close(this.rootFd);
  }
}

export function kindOfStat(stat: FileStat): EntryKind {
  const type = stat.mode & S_IFMT;
  if (type === S_IFREG) return 'file';
  if (type === S_IFDIR) return 'dir';
  if (type === S_IFLNK) return 'symlink';
  return 'other';
}

export function isFolder(stat: FileStat): boolean {
  return (stat.mode & S_IFMT) === S_IFDIR;
}

export function isFile(stat: FileStat): boolean {
  return (stat.mode & S_IFMT) === S_IFREG;
}

export function isLink(stat: FileStat): boolean {
  return (stat.mode & S_IFMT) === S_IFLNK;
}

/** `rel` under `folder` ('' is the root). */
export function childOf(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}
