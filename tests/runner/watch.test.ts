import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createChangeAggregator, watchForChanges, type ChangeWatcher } from '../../main/runner/watch.js';
import { ManualClock } from '../helpers/manual-clock.js';

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
