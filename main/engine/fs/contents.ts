/**
 * Reading file contents, for the few decisions metadata cannot make: content hashes (renames found by content,
 * --checksum) and a bounded comparison of two files (a rename whose ctime moved, identity.ts). Files are opened
 * through their trees' descriptors (fs/tree.ts) without following links or blocking, and only if they are regular
 * files; reads go through libuv's thread pool, so the event loop stays free.
 *
 * The comparison reads the whole of a small file, and for a large one SAMPLE_BLOCKS blocks spread evenly from its
 * first byte to its last: a rewrite changes bytes somewhere, and any real edit (a rebuilt archive, a re-encoded
 * video, a database page) touches one of the sampled blocks with near certainty. A change confined to bytes between
 * the samples of a file above SAMPLE_BLOCKS × BLOCK bytes is the residual risk the README states.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { promisify } from 'node:util';
import type { Tree } from './tree.js';

const read = promisify(fs.read);
const fstat = promisify(fs.fstat);
const close = promisify(fs.close);

const BLOCK = 64 * 1024;
const SAMPLE_BLOCKS = 16;
/** Read in full up to this size: the sample would be most of it anyway. */
const WHOLE_UP_TO = BLOCK * SAMPLE_BLOCKS;
const HASH_CHUNK = 1 << 20;

/** A file of a tree. */
export interface TreeFile {
  readonly tree: Tree;
  readonly rel: string;
}

/** Counts the bytes read, for the run's statistics. */
export interface ReadCounter {
  bytes: number;
}

/** Opens a regular file for reading; throws (EINVAL) when the entry is anything else. */
async function openRegular(file: TreeFile): Promise<number> {
  const fd = file.tree.openRead(file.rel);
  try {
    if (!(await fstat(fd)).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
    return fd;
  } catch (error) {
    await close(fd);
    throw error;
  }
}

/** SHA-256 of the file's contents (base64url). */
export async function hashFile(file: TreeFile, counter?: ReadCounter): Promise<string> {
  const fd = await openRegular(file);
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(HASH_CHUNK);
    for (let position = 0; ; ) {
      const { bytesRead } = await read(fd, buffer, 0, HASH_CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      if (counter !== undefined) counter.bytes += bytesRead;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('base64url');
  } finally {
    await close(fd);
  }
}

/** The offsets read from a file of `size` bytes: every block up to WHOLE_UP_TO, else the first, the last and between. */
export function sampleOffsets(size: number): number[] {
  if (size <= WHOLE_UP_TO) {
    const all: number[] = [];
    for (let at = 0; at < size; at += BLOCK) all.push(at);
    return all;
  }
  const last = size - BLOCK;
  return Array.from({ length: SAMPLE_BLOCKS }, (_, i) => Math.floor((last * i) / (SAMPLE_BLOCKS - 1)));
}

async function readAt(fd: number, buffer: Buffer, offset: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await read(fd, buffer, filled, buffer.length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * True when both are regular files of `size` bytes that agree on every sampled block; false on any difference or
 * when either cannot be read.
 */
export async function sameSampledContents(a: TreeFile, b: TreeFile, size: number, counter?: ReadCounter): Promise<boolean> {
  let fdA: number | undefined;
  let fdB: number | undefined;
  try {
    fdA = await openRegular(a);
    fdB = await openRegular(b);
    const [statA, statB] = await Promise.all([fstat(fdA), fstat(fdB)]);
    if (statA.size !== size || statB.size !== size) return false;
    const bufferA = Buffer.allocUnsafe(BLOCK);
    const bufferB = Buffer.allocUnsafe(BLOCK);
    for (const offset of sampleOffsets(size)) {
      const [gotA, gotB] = await Promise.all([readAt(fdA, bufferA, offset), readAt(fdB, bufferB, offset)]);
      if (counter !== undefined) counter.bytes += gotA + gotB;
      if (gotA !== gotB || bufferA.compare(bufferB, 0, gotB, 0, gotA) !== 0) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    if (fdA !== undefined) await close(fdA);
    if (fdB !== undefined) await close(fdB);
  }
}
