/**
 * One file copy, synchronous, for the copy workers (copy-pool.ts): a handful of plain syscalls per file instead
 * of a dozen thread-pool round trips, which is what made small-file mirrors slow.
 *
 * The source is opened without following symlinks and without blocking (a FIFO swapped in after the scan must
 * not hang the run) and checked to still be the scanned file. Contents go to a temp file beside the target, get
 * their mode and mtime, and one rename makes them visible. A source that changed while it was read is
 * discarded, never recorded as synced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mtimeNear, unchangedSinceScan } from '../plan/identity.js';
import { fsPath } from '../fs/paths.js';
import { moveAside } from './trash.js';

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, COPYFILE_FICLONE_FORCE } = fs.constants;
/** Up to this size a file is read and written in one go; above, it is cloned where the drive can, else streamed. */
const SMALL_FILE = 1 << 20;
const CHUNK = 1 << 20;
/** Drives that cannot clone (ext4, tmpfs, FUSE, across file systems): copy through user space. */
const COPYFILE_UNSUPPORTED = new Set(['ENOSYS', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOTTY']);

export interface CopyJob {
  /** Byte-string absolute paths. */
  readonly source: string;
  readonly target: string;
  readonly temp: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** The scanned ctime: a writer that restores the mtime (cp -p, tar, rsync -t) still changes it. */
  readonly ctimeMs: number;
  readonly ino: number;
  readonly mode: number;
  readonly setMode: boolean;
  readonly tolerance: number;
  /** --trash: where the replaced replica file is kept (byte-string absolute path). */
  readonly trashTarget?: string;
}

export type CopyOutcome =
  /** The copy's mtime as the replica holds it: all the record needs of it (a first mirror keeps 100,000). */
  | { readonly ok: true; readonly mtimeMs: number }
  | {
      readonly ok: false;
      readonly code?: string;
      readonly message: string;
      /** The source changed while it was read: skipped, copied next run. */
      readonly changed?: boolean;
      /** The copy worker died with it (crash, killed for memory): not copied, copied next run. */
      readonly lost?: boolean;
    };

class Changed extends Error {}

/** A source deleted or renamed since the scan is skipped like a changed one (rule 6), not failed. */
function openSource(source: fs.PathLike): number {
  try {
    return fs.openSync(source, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Changed('vanished since the scan');
    throw error;
  }
}

function unchanged(stat: fs.Stats, job: CopyJob): boolean {
  return stat.isFile() && unchangedSinceScan(stat, job);
}

function writeAll(fd: number, buffer: Buffer, length: number): void {
  for (let written = 0; written < length; ) written += fs.writeSync(fd, buffer, written, length - written);
}

/** Told the bytes of a large file copied so far, chunk by chunk: progress inside a file that takes minutes. */
export type BytesCopied = (bytesSoFar: number) => void;

/** Reads exactly the scanned size: a source that ends early or grows while read is "changed", never looped on. */
function copyThroughUserSpace(sourceFd: number, temp: fs.PathLike, job: CopyJob, onBytes: BytesCopied | undefined): void {
  const out = fs.openSync(temp, 'wx', job.mode & 0o777 | 0o600);
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let position = 0;
    for (;;) {
      const read = fs.readSync(sourceFd, buffer, 0, CHUNK, position);
      if (read === 0) break;
      position += read;
      if (position > job.size) throw new Changed();
      writeAll(out, buffer, read);
      onBytes?.(position);
    }
    if (position !== job.size) throw new Changed();
  } finally {
    fs.closeSync(out);
  }
}

function copySmall(sourceFd: number, temp: fs.PathLike, job: CopyJob): void {
  const buffer = Buffer.allocUnsafe(job.size + 1);
  let length = 0;
  for (;;) {
    const read = fs.readSync(sourceFd, buffer, length, buffer.length - length, length);
    if (read === 0) break;
    length += read;
    if (length === buffer.length) throw new Changed(); // it grew while we read it
  }
  if (length !== job.size) throw new Changed();
  const out = fs.openSync(temp, 'wx', 0o600);
  try {
    writeAll(out, buffer, length);
  } finally {
    fs.closeSync(out);
  }
}

/**
 * Keeps the file about to be overwritten: a hard link leaves the target in place until the atomic rename;
 * drives without hard links (FAT, exFAT) get the old file moved aside instead.
 */
function keepReplaced(targetBytes: string, trashBytes: string): void {
  fs.mkdirSync(fsPath(path.posix.dirname(trashBytes)), { recursive: true });
  try {
    fs.linkSync(fsPath(targetBytes), fsPath(trashBytes));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    moveAside(targetBytes, trashBytes);
  }
}

let kernelCopyUnsupported = false;

function copyLarge(sourceFd: number, source: fs.PathLike, temp: fs.PathLike, job: CopyJob, onBytes: BytesCopied | undefined): void {
  if (!kernelCopyUnsupported) {
    try {
      // Clone only (reflink): libuv's own copy loop (copy_file_range/sendfile) spins forever on a source
      // truncated while it copies (libuv 1.46, Node 20); the user-space loop below notices it instead.
      fs.copyFileSync(source, temp, COPYFILE_FICLONE_FORCE);
      return;
    } catch (error) {
      if (!COPYFILE_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      kernelCopyUnsupported = true;
      fs.rmSync(temp, { force: true });
    }
  }
  copyThroughUserSpace(sourceFd, temp, job, onBytes);
}

export function copyFileAtomicSync(job: CopyJob, onBytes?: BytesCopied): CopyOutcome {
  const source = fsPath(job.source);
  const temp = fsPath(job.temp);
  const target = fsPath(job.target);
  const seconds = job.mtimeMs / 1000;
  let sourceFd: number | undefined;
  let tempWritten = false;
  try {
    sourceFd = openSource(source);
    const before = fs.fstatSync(sourceFd);
    if (!before.isFile()) return { ok: false, code: 'EINVAL', message: 'no longer a regular file' };
    if (!unchanged(before, job)) throw new Changed();
    tempWritten = true;
    if (job.size <= SMALL_FILE) copySmall(sourceFd, temp, job);
    else copyLarge(sourceFd, source, temp, job, onBytes);
    if (!unchanged(fs.fstatSync(sourceFd), job)) throw new Changed();
    if (job.setMode) fs.chmodSync(temp, job.mode);
    fs.utimesSync(temp, seconds, seconds);
    if (job.trashTarget !== undefined) keepReplaced(job.target, job.trashTarget);
    fs.renameSync(temp, target);
    tempWritten = false;
    let after = fs.lstatSync(target);
    // Some drivers (fusefat) re-stamp the mtime on rename: set it again where it did not stick.
    if (!mtimeNear(after.mtimeMs, job.mtimeMs, job.tolerance)) {
      fs.utimesSync(target, seconds, seconds);
      after = fs.lstatSync(target);
    }
    return { ok: true, mtimeMs: after.mtimeMs };
  } catch (error) {
    if (error instanceof Changed) {
      const what = error.message === '' ? 'changed while it was being copied' : error.message;
      return { ok: false, changed: true, message: `${what}; it will be copied on the next run` };
    }
    const e = error as NodeJS.ErrnoException;
    return { ok: false, ...(e.code !== undefined ? { code: e.code } : {}), message: e.message ?? String(error) };
  } finally {
    if (sourceFd !== undefined) fs.closeSync(sourceFd);
    if (tempWritten) fs.rmSync(temp, { force: true });
  }
}
