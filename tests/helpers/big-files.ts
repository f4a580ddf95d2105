/** Files large enough, and read from disk rather than memory, that a test can watch a copy of them run and stop it. */
import { execFileSync } from 'node:child_process';
import fsp from 'node:fs/promises';

/** A file of `megabytes` MiB, no two blocks alike, so nothing can shortcut the copy. */
export async function writeBigFile(file: string, megabytes: number): Promise<void> {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  const handle = await fsp.open(file, 'w');
  try {
    for (let i = 0; i < megabytes; i += 1) {
      block.writeUInt32LE(i, 0);
      await handle.write(block);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes the file to disk and drops it from the page cache (GNU dd's nocache), so copying it reads the disk: from
 * memory a GiB copies in about half a second, too fast to watch its progress or stop it part-way on a fast machine.
 */
export function uncache(file: string): void {
  execFileSync('dd', [`of=${file}`, 'oflag=nocache', 'conv=notrunc,fdatasync', 'count=0'], { stdio: 'ignore' });
  execFileSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
}
