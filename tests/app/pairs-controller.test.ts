/**
 * The pairs controller in-process, with the real engine, log and watcher on real temp folders: runs never
 * overlap, an edited pair restarts after its run, shutdown waits, pause and resume, and a failing watcher
 * degrades to interval-only with a visible warning instead of crashing.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { watch } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairsController } from '../../main/app/pairs-controller.js';
import type { PairsControllerDeps } from '../../main/app/pairs-controller.js';
import type { SyncOptions } from '../../main/engine/options.js';
import { runSync } from '../../main/engine/sync.js';
import type { RunSummary } from '../../main/engine/types.js';
import { watchForChanges } from '../../main/engine/watch.js';
import type { LastRunView, PairSettings } from '../../main/ipc-contract.js';
import { createOperationLog } from '../../main/log.js';
import { trayModel } from '../../main/tray/tray-model.js';

let root: string;
let source: string;
let replica: string;

beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-controller-'));
  source = path.join(root, 'source');
  replica = path.join(root, 'replica');
  await fsp.mkdir(source);
  await fsp.writeFile(path.join(source, 'a.txt'), 'a\n');
});
afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

function pair(extra: Partial<PairSettings> = {}): PairSettings {
  return { id: 'p1', source, replica, interval: '1h', logDir: path.join(root, 'logs'), excludes: [], watch: false, enabled: true, ...extra };
}

/** The real engine, counting how many runs are going at once. */
function controller(extra: Partial<PairsControllerDeps> = {}) {
  let active = 0;
  let maxActive = 0;
  const runs: SyncOptions[] = [];
  const finished: LastRunView[] = [];
  const deps: PairsControllerDeps = {
    runSync: async (options: SyncOptions): Promise<RunSummary> => {
      runs.push(options);
      active += 1;
      maxActive = Math.max(maxActive, active);
      try {
        return await runSync(options);
      } finally {
        active -= 1;
      }
    },
    openLog: createOperationLog,
    watch: watchForChanges,
    stateDirFor: (id) => path.join(root, 'state', id),
    onRunFinished: (_pair, run) => finished.push(run),
    ...extra,
  };
  return { ctl: new PairsController(deps), runs, finished, maxActive: () => maxActive };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('PairsController', () => {
  it('runs a pair at once, and keeps one run at a time through sync-now bursts and an edit during a run', async () => {
    await fsp.writeFile(path.join(source, 'big.bin'), Buffer.alloc(48 * 1024 * 1024, 2));
    const { ctl, runs, finished, maxActive } = controller();
    ctl.apply([pair()]);
    await until('the first run to start', () => ctl.isBusy);
    // Edited while its first run goes on: the new schedule must wait for that run.
    ctl.apply([pair({ excludes: ['*.tmp'] })]);
    for (let i = 0; i < 5; i += 1) ctl.syncNow(i % 2 === 0 ? null : 'p1');
    expect(ctl.status().pairs[0]?.state).toBe('syncing');
    await until('the runs to settle', () => !ctl.isBusy && finished.length >= 2);
    await ctl.shutdown();
    expect(maxActive()).toBe(1);
    expect(finished.every((run) => run.outcome === 'ok')).toBe(true);
    expect(runs.at(-1)?.excludes).toEqual(['*.tmp']);
    expect(fs.readFileSync(path.join(replica, 'a.txt'), 'utf8')).toBe('a\n');
    expect(ctl.status().pairs[0]?.logLines.some((l) => /summary done/.test(l))).toBe(true);
  });

  it('shutdown waits for the running sync; pause stops scheduling; a disabled pair only runs when asked', async () => {
    const big = Buffer.alloc(64 * 1024 * 1024, 1);
    await fsp.writeFile(path.join(source, 'big.bin'), big);
    const { ctl, finished } = controller();
    ctl.apply([pair()]);
    await until('the run to start', () => ctl.isBusy);
    expect(ctl.status().state).toBe('syncing');
    await ctl.shutdown();
    expect(ctl.isBusy).toBe(false);
    expect(finished).toHaveLength(1);
    expect(fs.statSync(path.join(replica, 'big.bin')).size).toBe(big.length);
    expect(ctl.status().quitting).toBe(true);

    const second = controller();
    second.ctl.apply([pair({ id: 'p2', enabled: false })]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(second.runs).toHaveLength(0);
    expect(second.ctl.status().pairs[0]?.state).toBe('disabled');
    second.ctl.pause();
    expect(second.ctl.status().state).toBe('paused');
    second.ctl.syncNow('p2');
    await until('the one-off run', () => second.finished.length === 1);
    second.ctl.resume();
    expect(second.ctl.status().pairs[0]?.nextRunAt).toBeNull(); // still disabled: no schedule
    await second.ctl.shutdown();
  });

  it('reports a failed run as an error with its sentence', async () => {
    const { ctl, finished } = controller();
    ctl.apply([pair({ source: path.join(root, 'missing') })]);
    await until('the failed run', () => finished.length === 1);
    expect(finished[0]?.outcome).not.toBe('ok');
    expect(finished[0]?.text).toMatch(/missing/);
    expect(ctl.status()).toMatchObject({ state: 'error', pairs: [{ state: 'error' }] });
    await ctl.shutdown();
  });

  it('a watcher error (inotify limit) degrades to interval-only with a visible warning', async () => {
    const { ctl, finished } = controller({
      watch: (options) =>
        watchForChanges({
          ...options,
          // The real chokidar watcher, failing as it does when fs.inotify.max_user_watches is exhausted.
          createWatcher: (dir, chokidarOptions) => {
            const watcher = watch(dir, chokidarOptions);
            setTimeout(() => watcher.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' })), 50);
            return watcher;
          },
        }),
    });
    ctl.apply([pair({ watch: true })]);
    await until('the warning', () => ctl.status().pairs[0]?.warning !== null);
    const status = ctl.status();
    expect(status.pairs[0]?.warning).toBe('Watching for changes stopped (the inotify watch limit is reached): this pair now syncs every 1 hour only.');
    expect(trayModel(status, () => '12:00').menu.some((e) => e.type === 'item' && e.label.startsWith('⚠ source → replica: Watching for changes stopped'))).toBe(true);
    await until('the first run', () => finished.length === 1);
    expect(status.pairs[0]?.nextRunAt ?? ctl.status().pairs[0]?.nextRunAt).not.toBeNull(); // still on its interval
    await ctl.shutdown();
  });
});
