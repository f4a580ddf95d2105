/**
 * The pairs controller in-process, with the real engine, log and watcher on real temp folders: runs never
 * overlap, an edited pair restarts after its run, shutdown waits, pause and resume, and a failing watcher
 * degrades to interval-only with a visible warning instead of crashing. Then what the replica's drive does to a
 * pair: unplugged (waiting, not an error, synced as soon as it is back), what the probe found, entries it cannot
 * hold, and the trash.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { watch } from 'chokidar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PairsController } from '../../main/app/pairs-controller.js';
import type { PairsControllerDeps } from '../../main/app/pairs-controller.js';
import type { SyncOptions } from '../../main/engine/run/options.js';
import { mountOf } from '../../main/engine/fs/mounts.js';
import type { Clock } from '../../main/runner/schedule.js';
import { runSync } from '../../main/engine/run/sync.js';
import type { RunSummary } from '../../main/engine/types.js';
import { watchForChanges } from '../../main/runner/watch.js';
import type { LastRunView, PairSettings } from '../../main/shared/ipc-contract.js';
import { createOperationLog } from '../../main/log.js';
import { trayModel } from '../../main/tray/tray-model.js';
import { pairSettings } from '../helpers/pair-settings.js';

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
  return pairSettings({ id: 'p1', source, replica, logDir: path.join(root, 'logs') }, extra);
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
    confirm: async () => true,
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
    await until('the warning', () => (ctl.status().pairs[0]?.warnings.length ?? 0) > 0);
    const status = ctl.status();
    expect(status.pairs[0]?.warnings).toEqual(['Watching for changes stopped (the inotify watch limit is reached): this pair now syncs every 1 hour only.']);
    expect(trayModel(status, () => '12:00').menu.some((e) => e.type === 'item' && e.label.startsWith('⚠ source → replica: Watching for changes stopped'))).toBe(true);
    await until('the first run', () => finished.length === 1);
    expect(status.pairs[0]?.nextRunAt ?? ctl.status().pairs[0]?.nextRunAt).not.toBeNull(); // still on its interval
    await ctl.shutdown();
  });
});

/** A clock whose sleeps end only when woken (runSoon, stop): a run happens only because something asked for it. */
function manualClock(time = 1_700_000_000_000): Clock {
  return {
    now: () => time,
    sleep() {
      let wake = (): void => {};
      const done = new Promise<void>((resolve) => (wake = resolve));
      return { done, wake: () => wake() };
    },
  };
}

function summaryOf(extra: Partial<RunSummary> = {}): RunSummary {
  return {
    status: 'ok', copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0, skipped: 0, unrepresentable: 0, errors: 0, failures: [], undone: 0, aborted: false, bytesCopied: 0, durationMs: 5, dryRun: false,
    ...extra,
  };
}

const MOUNT = '/media/u/USB';

function unplugged(target: string, mountPoint = MOUNT): RunSummary {
  return summaryOf({
    status: 'refused',
    refusal: {
      reason: 'replica-not-connected',
      message: `replica drive not connected: ${target} (it was on ${mountPoint}); nothing was changed.`,
      waitFor: { path: target, mountPoint },
    },
  });
}

interface FakeWait {
  readonly target: string;
  readonly mountPoint: string;
  readonly periodMs: number;
  readonly onBack: () => void;
  stopped: boolean;
}

/** Records each drive watch the controller starts, and whether it was stopped; the test says when the drive is back. */
function fakeDriveWaits(): { waits: FakeWait[]; waitForDrive: NonNullable<PairsControllerDeps['waitForDrive']> } {
  const waits: FakeWait[] = [];
  return {
    waits,
    waitForDrive: (target, mountPoint, onBack, periodMs) => {
      const wait: FakeWait = { target, mountPoint, periodMs, onBack, stopped: false };
      waits.push(wait);
      return { stop: () => void (wait.stopped = true) };
    },
  };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('PairsController and the replica drive', () => {
  it('an unplugged drive: the pair waits (not an error, idle icon) and runs as soon as the drive is back', async () => {
    const results = [unplugged(replica), summaryOf({ copied: 1, created: 1 })];
    const { waits, waitForDrive } = fakeDriveWaits();
    const { ctl, runs, finished } = controller({
      runSync: async (options) => {
        runs.push(options);
        return results.shift() ?? summaryOf();
      },
      waitForDrive,
      driveCheckMs: 250,
      clock: manualClock(),
    });
    ctl.apply([pair()]);
    await until('the refused run', () => finished.length === 1);
    const waiting = ctl.status();
    expect(waiting.state).toBe('idle');
    expect(waiting.pairs[0]).toMatchObject({ state: 'waiting', lastRun: { outcome: 'refused', waitingFor: MOUNT }, warnings: [] });
    const tray = trayModel(waiting, () => '12:00');
    expect(tray.icon).toBe('idle');
    expect(tray.menu.slice(0, 2).map((e) => e.type === 'item' && e.label)).toEqual(['Folder Sync: waiting for a drive', `source → replica: drive not connected: ${MOUNT}`]);
    expect(waits).toEqual([expect.objectContaining({ target: replica, mountPoint: MOUNT, periodMs: 250, stopped: false })]);
    expect(waiting.pairs[0]?.logLines.at(-1)).toMatch(`waiting for the drive at ${MOUNT}; syncing as soon as it is back`);
    expect(runs[0]).not.toHaveProperty('trash'); // "keep deleted files" is off

    // Nothing else can start a run (the clock never wakes the loop, the interval is an hour): only the drive.
    await settle();
    expect(runs).toHaveLength(1);
    waits[0]!.onBack();
    await until('the run after the drive came back', () => finished.length === 2);
    const back = ctl.status();
    expect(back.pairs[0]).toMatchObject({ state: 'idle', lastRun: { outcome: 'ok', waitingFor: null } });
    expect(back.pairs[0]?.logLines.some((l) => l.includes(`the drive at ${MOUNT} is back: syncing now`))).toBe(true);
    expect(trayModel(back, () => '12:00').menu[0]).toMatchObject({ label: 'Folder Sync: up to date' });
    await ctl.shutdown();
    expect(waits).toHaveLength(1);
  });

  it('stops looking for the drive on pause, edit, removal and shutdown; a one-off run while paused starts no watch', async () => {
    const { waits, waitForDrive } = fakeDriveWaits();
    const { ctl, runs, finished } = controller({
      runSync: async (options) => {
        runs.push(options);
        return unplugged(options.replica);
      },
      waitForDrive,
      clock: manualClock(),
    });
    ctl.apply([pair()]);
    await until('the first watch', () => waits.length === 1);
    expect(waits[0]?.periodMs).toBe(10_000); // drive-wait.ts's period unless told otherwise

    ctl.pause();
    expect(waits[0]?.stopped).toBe(true);
    ctl.syncNow('p1');
    await until('the one-off run', () => finished.length === 2);
    await settle();
    expect(waits).toHaveLength(1);
    expect(ctl.status().pairs[0]?.state).toBe('paused');

    ctl.resume();
    await until('the watch after resuming', () => waits.length === 2);
    // Still unplugged at another run: the watch goes on, no second one.
    ctl.syncNow('p1');
    await until('the extra run', () => finished.length === 4);
    await settle();
    expect(waits).toHaveLength(2);
    expect(waits[1]?.stopped).toBe(false);

    ctl.apply([pair({ excludes: ['*.tmp'] })]);
    expect(waits[1]?.stopped).toBe(true);
    await until('the watch of the edited pair', () => waits.length === 3);

    ctl.apply([]);
    expect(waits[2]?.stopped).toBe(true);
    ctl.apply([pair({ id: 'p2' })]);
    await until('the watch of a new pair', () => waits.length === 4);
    await ctl.shutdown();
    expect(waits.map((w) => w.stopped)).toEqual([true, true, true, true]);
    expect(runs.map((r) => r.excludes)).toEqual([[], [], [], [], ['*.tmp'], []]);
  });

  it('with the real drive check (a short period): a drive found back on its mount point is synced at once', async () => {
    const mountPoint = (await mountOf(root)).mountPoint;
    let calls = 0;
    const { ctl, finished } = controller({
      runSync: async (options) => {
        calls += 1;
        return calls === 1 ? unplugged(replica, mountPoint) : runSync(options);
      },
      driveCheckMs: 20,
    });
    ctl.apply([pair()]);
    await until('the run once the drive is found', () => finished.length === 2);
    expect(finished.map((r) => r.outcome)).toEqual(['refused', 'ok']);
    expect(fs.readFileSync(path.join(replica, 'a.txt'), 'utf8')).toBe('a\n');
    await ctl.shutdown();
  });

  it('keeps what the probe found and warns (not an error) about entries the replica cannot hold', async () => {
    const probes: string[] = [];
    let calls = 0;
    const { ctl, finished } = controller({
      runSync: async (options) => {
        calls += 1;
        if (calls === 3) return summaryOf({ status: 'refused', refusal: { reason: 'source-emptied', message: 'The source is empty; nothing was deleted.' } });
        const summary = await runSync({
          ...options,
          onEvent: (event) => {
            if (event.type === 'probe') probes.push(event.traits.summary);
            options.onEvent?.(event);
          },
        });
        // The engine counts what the replica's file system refuses; an ext4 temp folder refuses nothing.
        return calls === 1 ? { ...summary, unrepresentable: 2 } : summary;
      },
      clock: manualClock(),
    });
    ctl.apply([pair()]);
    await until('the first run', () => finished.length === 1);
    const first = ctl.status();
    expect(probes).toHaveLength(1);
    expect(probes[0]).not.toBe('');
    expect(first.state).toBe('idle');
    expect(first.pairs[0]).toMatchObject({ state: 'idle', replicaFs: probes[0], warnings: ['not representable on the replica: 2'], lastRun: { outcome: 'ok', unrepresentable: 2 } });
    const tray = trayModel(first, () => '12:00');
    expect(tray.icon).toBe('idle');
    expect(tray.menu.filter((e) => e.type === 'item').map((e) => e.label)).toContain('⚠ source → replica: not representable on the replica: 2');

    ctl.syncNow('p1');
    await until('the second run', () => finished.length === 2);
    expect(ctl.status().pairs[0]).toMatchObject({ state: 'idle', warnings: [], replicaFs: probes[1] });

    // A refused run never probes: what the last probe found stays.
    ctl.syncNow('p1');
    await until('the refused run', () => finished.length === 3);
    expect(ctl.status().pairs[0]).toMatchObject({ state: 'error', replicaFs: probes[1], lastRun: { text: 'The source is empty; nothing was deleted.', waitingFor: null } });

    // Another replica is another file system: nothing known until it is probed.
    ctl.pause();
    ctl.apply([pair({ replica: path.join(root, 'elsewhere') })]);
    expect(ctl.status().pairs[0]?.replicaFs).toBeNull();
    await ctl.shutdown();
  });

  it('with "keep deleted files" on, passes the trash to the engine, and deleted files end up there', async () => {
    const trashDir = path.join(root, 'replica.trash');
    const { ctl, runs, finished } = controller({ clock: manualClock() });
    ctl.apply([pair({ trash: { enabled: true, dir: trashDir, keepDays: 7 } })]);
    await until('the first run', () => finished.length === 1);
    await fsp.rm(path.join(source, 'a.txt'));
    await fsp.writeFile(path.join(source, 'b.txt'), 'b\n');
    ctl.syncNow('p1');
    await until('the second run', () => finished.length === 2);
    await ctl.shutdown();
    expect(finished.map((r) => r.outcome)).toEqual(['ok', 'ok']);
    expect(runs.map((r) => r.trash)).toEqual([{ dir: trashDir, keepDays: 7 }, { dir: trashDir, keepDays: 7 }]);
    expect(fs.readdirSync(replica)).toEqual(['b.txt']);
    const dated = fs.readdirSync(trashDir);
    expect(dated).toHaveLength(1);
    expect(fs.readFileSync(path.join(trashDir, dated[0]!, 'a.txt'), 'utf8')).toBe('a\n');
  });

  it('passes the deletion limit to the engine; a run it refuses is an error pair with the engine\'s sentence', async () => {
    const sentence = 'This run would delete or overwrite 2 entries in the replica, more than the limit of 1; nothing was changed.';
    const results = [summaryOf({ copied: 1 }), summaryOf({ status: 'refused', refusal: { reason: 'max-delete', message: sentence } })];
    const { ctl, runs, finished } = controller({
      runSync: async (options) => {
        runs.push(options);
        return results.shift() ?? summaryOf();
      },
      clock: manualClock(),
    });
    ctl.apply([pair({ maxDelete: '1' })]);
    await until('the first run', () => finished.length === 1);
    ctl.syncNow('p1');
    await until('the refused run', () => finished.length === 2);
    // The real runs (a refusal over the limit is followed by a dry run without it, to see what to ask about:
    // this stub plans nothing, so nothing is asked and the refusal stands).
    const real = () => runs.filter((r) => r.dryRun !== true);
    expect(real().map((r) => r.maxDelete)).toEqual([{ count: 1 }, { count: 1 }]);
    expect(runs.filter((r) => r.dryRun === true).map((r) => r.maxDelete)).toEqual([undefined]);
    expect(finished[1]).toMatchObject({ outcome: 'refused', text: sentence, waitingFor: null });
    const refused = ctl.status();
    expect(refused).toMatchObject({ state: 'error', pairs: [{ state: 'error', lastRun: { outcome: 'refused', text: sentence } }] });
    expect(refused.pairs[0]?.logLines.at(-1)).toMatch(/summary refused \(max-delete\)/);
    const tray = trayModel(refused, () => '12:00');
    expect(tray.icon).toBe('error');
    expect(tray.menu.slice(0, 2).map((e) => e.type === 'item' && e.label)).toEqual(['Folder Sync: the last sync had problems', 'source → replica: refused 12:00, next 12:00']);

    // An edited limit applies from the next run (the edit restarts the pair at once); cleared, there is none.
    ctl.apply([pair({ maxDelete: ' 12.5% ' })]);
    await until('the run with a percentage', () => finished.length === 3);
    ctl.apply([pair({ maxDelete: '' })]);
    await until('the run without a limit', () => finished.length === 4);
    expect(ctl.status().pairs[0]?.state).toBe('idle');
    await ctl.shutdown();
    expect(real()[2]?.maxDelete).toEqual({ percent: 12.5 });
    expect(real()[3]).not.toHaveProperty('maxDelete');
  });
});
