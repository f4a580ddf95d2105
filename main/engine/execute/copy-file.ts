/**
 * One file copy, synchronous, for the copy workers (copy-pool.ts; copy-native.ts shares its checks and its last
 * step, the rename): a handful of plain syscalls per file instead
 * of a dozen thread-pool round trips, which is what made small-file mirrors slow.
 *
 * Every open, write, rename and stamp acts through the trees' folder descriptors (fs/tree.ts), never through a
 * path a swapped folder could redirect. The source is opened without following links and without blocking (a
 * FIFO swapped in after the scan must not hang the run) and checked to still be the scanned file. Contents go to a
 * temp file beside the target, created O_EXCL (a link planted at its name is never written through), get their
 * mode and mtime, and one rename makes them visible. A source that changed while it was read is discarded, never
 * recorded as synced. A sparse source stays sparse: its holes are left unwritten. A file larger than the replica's
 * free space is left out before a byte is written (fs/free-space.ts), so a drive too small for it is not filled by
 * every run.
 */
import fs from 'node:fs';
import type { AtOps } from '../fs/at.js';
import { bytesNeeded, noRoomFor, roomAt } from '../fs/free-space.js';
import { parentOf } from '../fs/paths.js';
import type { Tree } from '../fs/tree.js';
import { mtimeNear, SINCE_SCAN, sameFile } from '../plan/identity.js';
import { entryOf, type StatLike } from '../scan/walk.js';
import type { RunTrash } from './trash.js';

const { COPYFILE_EXCL, COPYFILE_FICLONE_FORCE } = fs.constants;
/** Up to this size a file is read and written in one go; above, it is cloned where the drive can, else streamed. */
export const SMALL_FILE = 1 << 20;
const CHUNK = 1 << 20;
/** Drives that cannot clone (ext4, tmpfs, FUSE, across file systems): copy through user space. */
const CLONE_UNSUPPORTED = new Set(['ENOSYS', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOTTY', 'EBADF']);

export interface CopyJob {
  /** The path in both trees (byte string). */
  readonly rel: string;
  /** A free name beside it in the replica, for the contents until they are complete. */
  readonly temp: string;
  readonly size: number;
  readonly mtimeMs: number;
  /** The scanned ctime: a writer that restores the mtime (cp -p, tar, rsync -t) still changes it. */
  readonly ctimeMs: number;
  readonly ino: number;
  readonly birthtimeMs: number;
  /** The mode the copy gets (the source's as mirrored: identity.ts mirroredMode). */
  readonly mode: number;
  readonly setMode: boolean;
  readonly tolerance: number;
  /** --trash: keep the replica file this copy replaces. */
  readonly keepReplaced: boolean;
}

/** The trees a copy acts in; a worker makes its own over the run's root descriptors. */
export interface CopyTrees {
  readonly source: Tree;
  readonly replica: Tree;
  readonly trash?: RunTrash;
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
      /** Larger than the replica's free space: left out before a byte was written; the drive takes other writes. */
      readonly noRoom?: boolean;
    };

/** Told the bytes of a large file copied so far, chunk by chunk: progress inside a file that takes minutes. */
export type BytesCopied = (bytesSoFar: number) => void;

export class Changed extends Error {}
/** The file does not fit in the replica's free space: left out, nothing written. */
class NoRoom extends Error {}

/** A source deleted, renamed or moved behind a link since the scan is skipped like a changed one, not failed. */
export function vanishedOr(error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' ? new Changed('vanished since the scan') : error;
}

function openSource(source: Tree, rel: string): number {
  try {
    return source.openRead(rel);
  } catch (error) {
    throw vanishedOr(error);
  }
}

/** Still the file the scan saw (identity.ts's rule; the job's mode is the mirrored one, which SINCE_SCAN leaves out). */
export function unchanged(stat: StatLike, job: CopyJob): boolean {
  return sameFile(entryOf(stat), { ...job, kind: 'file' }, SINCE_SCAN);
}

function writeAll(fd: number, buffer: Buffer, length: number, position: number): void {
  for (let written = 0; written < length; ) written += fs.writeSync(fd, buffer, written, length - written, position + written);
}

/** The block size holes are found at without SEEK_DATA (what cp --sparse=always looks at). */
const HOLE_BLOCK = 4096;
const ZEROS = Buffer.alloc(HOLE_BLOCK);

/** Writes the chunk's blocks that hold any data; all-zero blocks are left as holes. */
function writeNonZero(fd: number, buffer: Buffer, length: number, position: number): void {
  for (let at = 0; at < length; ) {
    const end = Math.min(at + HOLE_BLOCK, length);
    if (!buffer.subarray(at, end).equals(ZEROS.subarray(0, end - at))) {
      // Join the run of data blocks that starts here into one write.
      let stop = end;
      while (stop < length) {
        const next = Math.min(stop + HOLE_BLOCK, length);
        if (buffer.subarray(stop, next).equals(ZEROS.subarray(0, next - stop))) break;
        stop = next;
      }
      writeAll(fd, buffer.subarray(at, stop), stop - at, position + at);
      at = stop;
    } else at = end;
  }
}

/**
 * Reads exactly the scanned size: a source that ends early or grows while read is "changed", never looped on.
 * `skipZeros`: all-zero chunks are not written (a sparse source's holes stay holes; the size is set at the end).
 */
function copyRange(sourceFd: number, out: number, job: CopyJob, from: number, to: number, skipZeros: boolean, onBytes: BytesCopied | undefined): void {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (let position = from; position < to; ) {
    const read = fs.readSync(sourceFd, buffer, 0, Math.min(CHUNK, to - position), position);
    if (read === 0) throw new Changed(); // it ended early
    if (skipZeros) writeNonZero(out, buffer, read, position);
    else writeAll(out, buffer, read, position);
    position += read;
    onBytes?.(position);
  }
  if (job.size !== to) return;
  // The scanned size read: one more byte means it grew while we read it.
  if (fs.readSync(sourceFd, buffer, 0, 1, job.size) !== 0) throw new Changed();
}

/** The data runs of a sparse file, found with SEEK_DATA/SEEK_HOLE where the native backend has them. */
function dataRuns(ops: AtOps, fd: number, size: number): Array<[number, number]> | undefined {
  if (ops.seekData === undefined || ops.seekHole === undefined) return undefined;
  const runs: Array<[number, number]> = [];
  for (let at = 0; at < size; ) {
    const data = ops.seekData(fd, at);
    if (data < 0 || data >= size) break;
    const hole = Math.min(ops.seekHole(fd, data), size);
    runs.push([data, hole]);
    at = hole;
  }
  return runs;
}

/** A file whose allocated blocks cover less than its size has holes. */
function isSparse(stat: fs.Stats): boolean {
  return stat.blocks * 512 < stat.size;
}

function copySparse(sourceFd: number, out: number, job: CopyJob, ops: AtOps, onBytes: BytesCopied | undefined): void {
  const runs = dataRuns(ops, sourceFd, job.size);
  if (runs === undefined) copyRange(sourceFd, out, job, 0, job.size, true, onBytes);
  else for (const [from, to] of runs) copyRange(sourceFd, out, job, from, to, false, onBytes);
  fs.ftruncateSync(out, job.size);
}

function copySmall(sourceFd: number, out: number, job: CopyJob): void {
  const buffer = Buffer.allocUnsafe(job.size + 1);
  let length = 0;
  for (;;) {
    const read = fs.readSync(sourceFd, buffer, length, buffer.length - length, length);
    if (read === 0) break;
    length += read;
    if (length === buffer.length) throw new Changed(); // it grew while we read it
  }
  if (length !== job.size) throw new Changed();
  writeAll(out, buffer, length, 0);
}

let cloneUnsupported = false;

/**
 * Clone only (reflink), through the descriptors' /proc paths: libuv's own copy loop (copy_file_range/sendfile)
 * spins forever on a source truncated while it copies (libuv 1.46, Node 20); the user-space loop notices it.
 * COPYFILE_EXCL makes the clone's open of the temp name O_EXCL too. True when it cloned.
 */
function tryClone(sourceFd: number, trees: CopyTrees, job: CopyJob): boolean {
  if (cloneUnsupported) return false;
  try {
    fs.copyFileSync(`/proc/self/fd/${sourceFd}`, trees.replica.procPath(job.temp), COPYFILE_EXCL | COPYFILE_FICLONE_FORCE);
    return true;
  } catch (error) {
    if (!CLONE_UNSUPPORTED.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
    cloneUnsupported = true;
    return false;
  }
}

/** Writes the temp file: cloned, or copied densely or sparsely. Returns its open descriptor. */
function writeTemp(sourceFd: number, before: fs.Stats, trees: CopyTrees, job: CopyJob, onBytes: BytesCopied | undefined): number {
  const { replica } = trees;
  // A clone shares the source's extents, holes included.
  if (job.size > SMALL_FILE && tryClone(sourceFd, trees, job)) return replica.openWritable(job.temp);
  // Only files that write more than a chunk ask: a statfs costs a tenth of a small file's copy, and a small one
  // cannot fill a drive (where the drive is full already, ENOSPC stops the run as it should).
  if (job.size > SMALL_FILE) {
    const room = roomAt(replica.folder(parentOf(job.rel)));
    const noRoom = noRoomFor(job.size, bytesNeeded(job.size, before.blocks * 512, room), room);
    if (noRoom !== undefined) throw new NoRoom(noRoom);
  }
  const out = replica.openNew(job.temp, 0o600);
  try {
    if (isSparse(before)) copySparse(sourceFd, out, job, replica.ops, onBytes);
    else if (job.size <= SMALL_FILE) copySmall(sourceFd, out, job);
    else copyRange(sourceFd, out, job, 0, job.size, false, onBytes);
  } catch (error) {
    replica.ops.close(out);
    throw error;
  }
  return out;
}

export function copyFileAtomicSync(job: CopyJob, trees: CopyTrees, onBytes?: BytesCopied): CopyOutcome {
  const { replica } = trees;
  let sourceFd: number | undefined;
  let tempWritten = false;
  try {
    sourceFd = openSource(trees.source, job.rel);
    const before = fs.fstatSync(sourceFd);
    if (!before.isFile()) return NOT_REGULAR;
    if (!unchanged(before, job)) throw new Changed();
    tempWritten = true;
    const out = writeTemp(sourceFd, before, trees, job, onBytes);
    try {
      if (!unchanged(fs.fstatSync(sourceFd), job)) throw new Changed();
      if (job.setMode) replica.ops.fchmod(out, job.mode);
      replica.ops.futimes(out, job.mtimeMs, job.mtimeMs);
    } finally {
      replica.ops.close(out);
    }
    const outcome = renameIntoPlace(job, trees);
    tempWritten = false;
    return outcome;
  } catch (error) {
    return failedCopy(error);
  } finally {
    if (sourceFd !== undefined) trees.source.ops.close(sourceFd);
    if (tempWritten) removeQuietly(replica, job.temp);
  }
}

export const NOT_REGULAR: CopyOutcome = { ok: false, code: 'EINVAL', message: 'no longer a regular file' };

/** The complete, stamped temp file made the replica's file (the replaced one kept in the trash if asked). */
export function renameIntoPlace(job: CopyJob, trees: CopyTrees): CopyOutcome {
  const { replica } = trees;
  if (job.keepReplaced && trees.trash !== undefined) trees.trash.keep(replica, job.rel);
  replica.rename(job.temp, job.rel);
  let after = replica.lstat(job.rel);
  // Some drivers (fusefat) re-stamp the mtime on rename: set it again where it did not stick.
  if (after !== undefined && !mtimeNear(after.mtimeMs, job.mtimeMs, job.tolerance)) {
    replica.setMtime(job.rel, job.mtimeMs);
    after = replica.lstat(job.rel);
  }
  if (after === undefined) return { ok: false, code: 'ENOENT', message: 'vanished right after it was written' };
  return { ok: true, mtimeMs: after.mtimeMs };
}

/** What a thrown error means for the copy: changed (copied next run), no room, or failed with its code. */
export function failedCopy(error: unknown): CopyOutcome {
  if (error instanceof NoRoom) return { ok: false, noRoom: true, message: error.message };
  if (error instanceof Changed) {
    const what = error.message === '' ? 'changed while it was being copied' : error.message;
    return { ok: false, changed: true, message: `${what}; it will be copied on the next run` };
  }
  const e = error as NodeJS.ErrnoException;
  return { ok: false, ...(e.code !== undefined ? { code: e.code } : {}), message: e.message ?? String(error) };
}

export function removeQuietly(tree: Tree, rel: string): void {
  try {
    tree.unlink(rel);
  } catch {
    // Gone already, or the folder is: nothing to clean.
  }
}
