/**
 * Content hashes, for rename matching and --checksum. Opened without following symlinks and without blocking
 * (a FIFO swapped in after the scan must not hang the run), and only when the path is still a regular file.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fsPath } from './paths.js';

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const CHUNK = 1 << 20;

/** Opens a regular file for reading; throws when the path is anything else. */
export async function openRegularFile(absBytes: string): Promise<fs.promises.FileHandle> {
  const handle = await fs.promises.open(fsPath(absBytes), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
  }
  return handle;
}

/** `read` counts the bytes read, for the run's statistics. */
export async function hashFile(absBytes: string, read?: { bytes: number }): Promise<string> {
  const handle = await openRegularFile(absBytes);
  try {
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      if (read !== undefined) read.bytes += bytesRead;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('base64url');
  } finally {
    await handle.close();
  }
}
