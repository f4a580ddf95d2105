/**
 * Whether two files hold the same bytes, judged on a bounded sample: the whole of a small file, and for a large one
 * SAMPLE_BLOCKS blocks spread evenly from its first byte to its last. It confirms a rename the metadata cannot tell
 * from a rewrite in place that restored size and mtime (identity.ts): a rewrite changes bytes somewhere, and any
 * real edit (a rebuilt archive, a re-encoded video, a database page) touches one of the sampled blocks with near
 * certainty — a change confined to bytes between the samples of a file above SAMPLE_BLOCKS × BLOCK bytes is the
 * residual risk the README states. Both files are opened without following links and without blocking.
 */
import fs from 'node:fs';
import { openRegularFile } from './hash.js';

const BLOCK = 64 * 1024;
const SAMPLE_BLOCKS = 16;
/** Read in full up to this size: the sample would be most of it anyway. */
const WHOLE_UP_TO = BLOCK * SAMPLE_BLOCKS;

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

async function readAt(handle: fs.promises.FileHandle, buffer: Buffer, offset: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, offset + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/**
 * True when both byte-string paths are regular files of `size` bytes that agree on every sampled block; false on
 * any difference or when either cannot be read. `read` counts the bytes read, for the run's statistics.
 */
export async function sameSampledContents(aBytes: string, bBytes: string, size: number, read?: { bytes: number }): Promise<boolean> {
  let a: fs.promises.FileHandle | undefined;
  let b: fs.promises.FileHandle | undefined;
  try {
    a = await openRegularFile(aBytes);
    b = await openRegularFile(bBytes);
    const [statA, statB] = await Promise.all([a.stat(), b.stat()]);
    if (statA.size !== size || statB.size !== size) return false;
    const bufferA = Buffer.allocUnsafe(BLOCK);
    const bufferB = Buffer.allocUnsafe(BLOCK);
    for (const offset of sampleOffsets(size)) {
      const [gotA, gotB] = await Promise.all([readAt(a, bufferA, offset), readAt(b, bufferB, offset)]);
      if (read !== undefined) read.bytes += gotA + gotB;
      if (gotA !== gotB || bufferA.compare(bufferB, 0, gotB, 0, gotA) !== 0) return false;
    }
    return true;
  } catch {
    return false;
  } finally {
    await a?.close();
    await b?.close();
  }
}
