/**
 * The desktop around the tray app, on the real main entry (dist/app/index.js) against the recording fake of
 * `electron`: a left click on the tray icon opens the window, and the system resuming from suspend runs a pair whose
 * run fell due while the machine slept. What the packaged app tells the desktop (icons, window class, category) is
 * checked in package-desktop.test.ts.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pairSettings } from '../helpers/pair-settings.js';
import { appHome, assertBuilt, lastTray, MainProcess, menuLabels } from './main-process.js';
import type { Snapshot } from './main-process.js';

const visibleWindows = (snap: Snapshot): number => snap.windows.filter((w) => w.visible && !w.destroyed).length;

describe('desktop integration of the tray app (fake electron)', () => {
  let home: Awaited<ReturnType<typeof appHome>>;
  const processes: MainProcess[] = [];
  const start = (): MainProcess => {
    const proc = MainProcess.start({ config: home.config });
    processes.push(proc);
    return proc;
  };

  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    home = await appHome();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.dispose()));
    await home.cleanup();
  });

  it('a left click on the tray icon opens the window (again after it was closed)', async () => {
    const app = start();
    await app.waitFor('the tray', (s) => lastTray(s)?.menu != null);
    // Whatever the app shows at start, close it: the click must be what opens the window.
    for (const win of (await app.snapshot()).windows.filter((w) => !w.destroyed)) await app.request({ cmd: 'close-window', windowId: win.id });
    expect(visibleWindows(await app.snapshot())).toBe(0);

    await app.request({ cmd: 'tray-emit', event: 'click' });
    await app.waitFor('a window opened by the click', (s) => visibleWindows(s) === 1, 5_000);

    const [open] = (await app.snapshot()).windows.filter((w) => !w.destroyed);
    await app.request({ cmd: 'close-window', windowId: open!.id });
    await app.request({ cmd: 'tray-emit', event: 'click' });
    await app.waitFor('the window again', (s) => visibleWindows(s) === 1, 5_000);
  });

  it('a pair whose run fell due while the machine slept syncs as soon as the system resumes', async () => {
    const source = path.join(home.root, 'source');
    const replica = path.join(home.root, 'replica');
    await fsp.mkdir(source);
    await fsp.writeFile(path.join(source, 'a.txt'), 'alpha\n');
    await fsp.mkdir(home.userData, { recursive: true });
    const pair = pairSettings({ id: 'pair-1', source, replica, logDir: path.join(home.root, 'logs') }, { interval: '1h' });
    await fsp.writeFile(path.join(home.userData, 'settings.json'), JSON.stringify({ version: 1, pairs: [pair], notifyOnFailure: false }));
    const app = start();
    await app.waitFor('the first sync', (s) => menuLabels(s).some((l) => l.includes(': synced')), 15_000);
    expect((await app.snapshot()).powerMonitorListeners.resume).toBe(1);

    await fsp.writeFile(path.join(source, 'written-before-the-lid-closed.txt'), 'new\n');
    // Two hours of suspend: the wall clock moves on, the app's timers do not.
    await app.request({ cmd: 'suspend', ms: 2 * 3_600_000 });
    await app.request({ cmd: 'power-emit', event: 'resume' });
    await expect.poll(() => fs.existsSync(path.join(replica, 'written-before-the-lid-closed.txt')), { timeout: 5_000 }).toBe(true);
  });
});
