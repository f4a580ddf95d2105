import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fromSources from '../../main/runner/watch.js';
import { createChangeAggregator, watchForChanges, type ChangeWatcher } from '../../main/runner/watch.js';
import { inotifyWatches } from '../helpers/inotify.mjs';
import { ManualClock } from '../helpers/manual-clock.js';

// The build (npm test runs it first) has the worker script beside watch.js, so that one runs chokidar in a worker
// thread; from sources there is no worker script and chokidar runs in this thread. Both must cost per folder.
const BUILT = path.resolve('dist/main/runner/watch.js');
const fromBuild = (await import(BUILT)) as typeof fromSources;

function counters() {
  const c = { pending: 0, quiet: 0, errors: [] as Error[] };
  return {
    c,
    onPending: () => {
      c.pending += 1;
    },
    onQuiet: () => {
      c.quiet += 1;
    },
    onError: (e: Error) => {
      c.errors.push(e);
    },
  };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('change aggregator (fake clock)', () => {
  it('reports a burst once as pending, then quiet after the quiet period with no further events', async () => {
    const clock = new ManualClock();
    const { c, onPending, onQuiet } = counters();
    const agg = createChangeAggregator({ quietMs: 1000, onPending, onQuiet, clock });
    agg.event();
    agg.event();
    expect(c).toMatchObject({ pending: 1, quiet: 0 });
    await clock.advance(600);
    agg.event(); // restarts the quiet period
    await clock.advance(600);
    expect(c.quiet).toBe(0);
    await clock.advance(399);
    expect(c.quiet).toBe(0);
    await clock.advance(1);
    expect(c).toMatchObject({ pending: 1, quiet: 1 });
    // The next event starts a new batch.
    agg.event();
    expect(c.pending).toBe(2);
    await clock.advance(1000);
    expect(c.quiet).toBe(2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('releases a batch that never goes quiet after the maximum delay', async () => {
    const clock = new ManualClock();
    const { c, onPending, onQuiet } = counters();
    const agg = createChangeAggregator({ quietMs: 1000, maxDelayMs: 5000, onPending, onQuiet, clock });
    for (let t = 0; t < 4500; t += 500) {
      agg.event();
      await clock.advance(500);
    }
    agg.event();
    await clock.advance(499);
    expect(c.quiet).toBe(0);
    await clock.advance(1);
    expect(c).toMatchObject({ pending: 1, quiet: 1 });
  });

  it('says nothing after close', async () => {
    const clock = new ManualClock();
    const { c, onPending, onQuiet } = counters();
    const agg = createChangeAggregator({ quietMs: 1000, onPending, onQuiet, clock });
    agg.event();
    agg.close();
    await clock.advance(5000);
    agg.event();
    expect(c).toMatchObject({ pending: 1, quiet: 0 });
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('watchForChanges (real chokidar, real folders)', () => {
  let tmp: string;
  let watcher: ChangeWatcher | undefined;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-watch-'));
    fs.mkdirSync(path.join(tmp, 'sub'));
    fs.writeFileSync(path.join(tmp, 'existing.txt'), 'x');
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('ignores the initial scan, then turns writes into one pending batch and a quiet call', async () => {
    const clock = new ManualClock();
    const { c, ...handlers } = counters();
    watcher = watchForChanges({ root: tmp, quietMs: 500, clock, ...handlers });
    await watcher.ready;
    await new Promise((r) => setTimeout(r, 100));
    expect(c.pending).toBe(0);
    fs.writeFileSync(path.join(tmp, 'sub', 'new.txt'), 'hello');
    fs.writeFileSync(path.join(tmp, 'new2.txt'), 'hello');
    await until(() => c.pending === 1);
    expect(c.quiet).toBe(0);
    await clock.advance(500);
    expect(c).toMatchObject({ pending: 1, quiet: 1, errors: [] });
  });

  it('does not react to excluded paths (by basename or by relative path)', async () => {
    const { c, ...handlers } = counters();
    watcher = watchForChanges({ root: tmp, quietMs: 50, excludes: ['*.tmp', 'sub/cache'], ...handlers });
    await watcher.ready;
    fs.mkdirSync(path.join(tmp, 'sub', 'cache'));
    fs.writeFileSync(path.join(tmp, 'sub', 'cache', 'blob'), 'x');
    fs.writeFileSync(path.join(tmp, 'sub', 'scratch.tmp'), 'x');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.pending).toBe(0);
    fs.writeFileSync(path.join(tmp, 'sub', 'kept.txt'), 'x');
    await until(() => c.quiet === 1);
    expect(c.pending).toBe(1);
  });

  it('reports a watcher error once and closes itself', async () => {
    const { c, ...handlers } = counters();
    let inner: FSWatcher | undefined;
    watcher = watchForChanges({
      root: tmp,
      quietMs: 50,
      ...handlers,
      createWatcher: (root, options) => (inner = watch(root, options)),
    });
    await watcher.ready;
    const limit = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    inner?.emit('error', limit);
    inner?.emit('error', new Error('second'));
    await until(() => c.errors.length > 0);
    expect(c.errors).toEqual([limit]);
    expect(inner?.closed).toBe(true);
    fs.writeFileSync(path.join(tmp, 'after.txt'), 'x');
    await new Promise((r) => setTimeout(r, 200));
    expect(c.pending).toBe(0);
  });
});

/** `folders` folders (ten at the top, the rest below them) holding `files` files between them. */
function writeTree(root: string, folders: number, files: number): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < folders; i += 1) {
    const dir = i < 10 ? path.join(root, `top${i}`) : path.join(root, `top${i % 10}`, `sub${i}`);
    fs.mkdirSync(dir);
    dirs.push(dir);
  }
  for (let i = 0; i < files; i += 1) fs.writeFileSync(path.join(dirs[i % folders]!, `file${i}.txt`), `file ${i}`);
  return dirs;
}

describe.each([
  ['in this thread (from sources)', fromSources],
  ['in its worker thread (the build)', fromBuild],
])('watchForChanges costs one inotify watch per folder, %s', (_where, impl) => {
  let tmp: string;
  let watcher: ChangeWatcher | undefined;
  const FOLDERS = 100;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-watch-cost-'));
  });
  afterEach(async () => {
    await watcher?.close();
    watcher = undefined;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('watches 2,000 files in 100 folders with a watch per folder and none per file; a write to a file triggers', async () => {
    const dirs = writeTree(tmp, FOLDERS, 2000);
    const before = inotifyWatches();
    const { c, ...handlers } = counters();
    watcher = impl.watchForChanges({ root: tmp, quietMs: 50, ...handlers });
    await watcher.ready;
    const watches = inotifyWatches() - before;
    expect(watches).toBeGreaterThanOrEqual(FOLDERS); // every folder, so a change anywhere is seen
    expect(watches).toBeLessThanOrEqual(FOLDERS + 3); // the root and little else: 2,101 with a watch per file
    await new Promise((r) => setTimeout(r, 100));
    expect(c.pending).toBe(0);
    // Only the file's contents change (IN_MODIFY, reported by its folder's watch): no entry is added or removed.
    fs.appendFileSync(path.join(dirs[57]!, 'file57.txt'), ' edited');
    await until(() => c.quiet === 1);
    expect(c).toMatchObject({ pending: 1, errors: [] });
    await watcher.close();
    expect(inotifyWatches()).toBe(before);
  });

  it('gives a new subfolder its own watch, and a file written in it triggers', async () => {
    writeTree(tmp, 20, 100);
    const before = inotifyWatches();
    const { c, ...handlers } = counters();
    watcher = impl.watchForChanges({ root: tmp, quietMs: 50, ...handlers });
    await watcher.ready;
    const atStart = inotifyWatches() - before;
    const fresh = path.join(tmp, 'top3', 'fresh');
    fs.mkdirSync(fresh);
    await until(() => c.quiet === 1);
    await until(() => inotifyWatches() - before === atStart + 1);
    fs.writeFileSync(path.join(fresh, 'inside.txt'), 'x');
    await until(() => c.quiet === 2);
    fs.appendFileSync(path.join(fresh, 'inside.txt'), 'y');
    await until(() => c.quiet === 3);
    // A whole tree moved in at once: each of its folders gets a watch, the deepest too.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-watch-moved-'));
    fs.mkdirSync(path.join(outside, 'a', 'b', 'c'), { recursive: true });
    fs.renameSync(path.join(outside, 'a'), path.join(tmp, 'top4', 'a'));
    fs.rmdirSync(outside);
    await until(() => inotifyWatches() - before === atStart + 4);
    await new Promise((r) => setTimeout(r, 200)); // the move's own batch has gone quiet
    const quietBefore = c.quiet;
    fs.writeFileSync(path.join(tmp, 'top4', 'a', 'b', 'c', 'deep.txt'), 'x');
    await until(() => c.quiet === quietBefore + 1);
    // A removed folder gives its watch back.
    fs.rmSync(path.join(tmp, 'top4', 'a'), { recursive: true });
    await until(() => inotifyWatches() - before === atStart + 1);
    expect(c.errors).toEqual([]);
  });

  it('waits for a source that is not there (its drive unplugged), then watches it once it appears', async () => {
    const source = path.join(tmp, 'drive', 'source');
    const before = inotifyWatches();
    const { c, ...handlers } = counters();
    watcher = impl.watchForChanges({ root: source, quietMs: 50, ...handlers });
    await watcher.ready;
    expect(inotifyWatches() - before).toBe(0);
    fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
    await until(() => c.quiet === 1); // its appearing is a change
    await until(() => inotifyWatches() - before === 2);
    fs.writeFileSync(path.join(source, 'sub', 'x.txt'), 'x');
    await until(() => c.quiet === 2);
    expect(c.errors).toEqual([]);
  });

  it('neither watches nor reacts to excluded folders and files', async () => {
    writeTree(tmp, 10, 20);
    fs.mkdirSync(path.join(tmp, 'top1', 'cache'));
    fs.mkdirSync(path.join(tmp, 'build'));
    const before = inotifyWatches();
    const { c, ...handlers } = counters();
    watcher = impl.watchForChanges({ root: tmp, quietMs: 50, excludes: ['*.tmp', 'top1/cache', 'build/'], ...handlers });
    await watcher.ready;
    expect(inotifyWatches() - before).toBe(11); // ten folders and the root; not the two excluded
    fs.writeFileSync(path.join(tmp, 'top1', 'cache', 'blob'), 'x');
    fs.writeFileSync(path.join(tmp, 'build', 'out.o'), 'x');
    fs.writeFileSync(path.join(tmp, 'top2', 'scratch.tmp'), 'x');
    await new Promise((r) => setTimeout(r, 300));
    expect(c.pending).toBe(0);
    fs.writeFileSync(path.join(tmp, 'top2', 'kept.txt'), 'x');
    await until(() => c.quiet === 1);
  });
});
