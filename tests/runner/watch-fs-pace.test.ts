/**
 * The pacing of chokidar's file-system calls in the watcher's thread (main/runner/watch-fs-pace.ts), in a child
 * process of its own since it replaces node:fs/promises functions for the whole thread: a burst of lstat calls runs
 * a few at a time, and a folder listing waits while many lstat calls are queued.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BUILT = path.resolve('dist/main/runner/watch-fs-pace.js');

/** Runs `body` in a fresh Node process after `fsp` (node:fs/promises) got a counting lstat and, unless `bare`, pacing. */
function probe(body: string, bare = false): Record<string, number> {
  const script = `
    import fsp from 'node:fs/promises';
    import { syncBuiltinESMExports } from 'node:module';
    const seen = { inFlight: 0, most: 0, started: 0, startedAtListing: -1 };
    const real = fsp.lstat;
    fsp.lstat = async (...args) => {
      seen.started += 1; seen.inFlight += 1; seen.most = Math.max(seen.most, seen.inFlight);
      try { return await real(...args); } finally { seen.inFlight -= 1; }
    };
    const realReaddir = fsp.readdir;
    fsp.readdir = (...args) => ((seen.startedAtListing = seen.started), realReaddir(...args));
    syncBuiltinESMExports();
    if (!${bare}) (await import(${JSON.stringify(BUILT)})).paceWatcherFileSystem();
    // The way chokidar and readdirp reach them: named imports of the ES module.
    const { lstat, readdir } = await import('node:fs/promises');
    ${body}
  `;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Record<string, number>;
}

describe('pacing of the file-system calls in the watcher thread', () => {
  // 2,000 lstat calls asked for at once, then a folder listing.
  const burst = `
    const stats = Array.from({ length: 2000 }, () => lstat('/'));
    await Promise.all([...stats, readdir('/')]);
    console.log(JSON.stringify({ most: seen.most, waitingAtListing: 2000 - seen.startedAtListing }));
  `;

  it('runs a burst of 2,000 lstat calls at most 16 at a time, and lists a folder only once the queue is short', () => {
    const { most, waitingAtListing } = probe(burst);
    expect(most).toBeLessThanOrEqual(16);
    expect(waitingAtListing).toBeLessThan(128);
    // The child's own check: without the pacing, all 2,000 are under way at once.
    expect(probe(burst, true).most).toBeGreaterThan(1000);
  });
});
