/**
 * Paces the file-system calls chokidar makes in the watcher's thread. chokidar reads a folder again (a readdir, then
 * an lstat per entry) each time inotify reports a change in it, and starts every such read at once: when 10,000
 * files change across 2,000 folders, 2,000 folder listings and 100,000 lstat calls are under way together, each
 * holding its request and its result, and the thread's memory climbs with the size of the burst (past its heap
 * bound, the watcher dies).
 *
 * Here chokidar's lstat calls run at most LSTATS_AT_ONCE at a time, and a folder listing (readdir) starts only while
 * fewer than LSTAT_BACKLOG lstat calls wait, so the folders already listed drain before more are listed: the work in
 * flight, and the memory it holds, stays bounded whatever the size of the burst. Only in the watcher's own thread:
 * it replaces node:fs/promises' `lstat` and `readdir` there (chokidar and readdirp import them by name) and nowhere
 * else.
 */
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const LSTATS_AT_ONCE = 16;
const LSTAT_BACKLOG = 128;

export function paceWatcherFileSystem(): void {
  let running = 0;
  const waitingStats: (() => void)[] = [];
  const waitingReads: (() => void)[] = [];

  const admitReads = (): void => {
    while (waitingReads.length > 0 && waitingStats.length < LSTAT_BACKLOG) waitingReads.shift()!();
  };
  const statSlot = async (): Promise<void> => {
    if (running >= LSTATS_AT_ONCE) await new Promise<void>((resolve) => waitingStats.push(resolve));
    running += 1;
  };
  const statDone = (): void => {
    running -= 1;
    waitingStats.shift()?.();
    admitReads();
  };
  const readSlot = async (): Promise<void> => {
    if (waitingStats.length >= LSTAT_BACKLOG || waitingReads.length > 0) {
      await new Promise<void>((resolve) => waitingReads.push(resolve));
    }
  };

  const lstat = fsp.lstat;
  const readdir = fsp.readdir;
  fsp.lstat = (async (...args: Parameters<typeof lstat>) => {
    await statSlot();
    try {
      return await lstat(...args);
    } finally {
      statDone();
    }
  }) as typeof lstat;
  fsp.readdir = (async (...args: Parameters<typeof readdir>) => {
    await readSlot();
    return readdir(...args);
  }) as typeof readdir;
  syncBuiltinESMExports();
}
