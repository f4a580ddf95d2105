/**
 * The real main entry as it ships (dist/app/index.js), run as a process against the recording fake of `electron`, with
 * the real engine on real temp folders: the tray menu and what its items do, settings saved and applied,
 * quit and SIGTERM waiting for a running sync, single instance, headless mode, corrupt settings, failure
 * notifications, watching, and a replica on a real (exFAT image) drive that is unplugged and plugged back in.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Channel } from '../../main/shared/ipc-contract.js';
import type { PairSettings, SaveResult, SettingsInput, SettingsView, StatusView } from '../../main/shared/ipc-contract.js';
import { imageSupportMissing, mountImage, type MountedImage } from '../helpers/fs-images.js';
import { pairSettings } from '../helpers/pair-settings.js';
import { appHome, assertBuilt, lastTray, MainProcess, menuItem, menuLabels, REPO_ROOT, trayIcon } from './main-process.js';
import type { Snapshot } from './main-process.js';
import { packageJsonAbove } from '../cli/cli-process.js';

interface Home {
  root: string;
  userData: string;
  config: string;
  source: string;
  replica: string;
  logs: string;
  cleanup(): Promise<void>;
}

async function makeHome(): Promise<Home> {
  const home = await appHome();
  const source = path.join(home.root, 'source');
  await fsp.mkdir(path.join(source, 'sub'), { recursive: true });
  await fsp.writeFile(path.join(source, 'a.txt'), 'alpha\n');
  await fsp.writeFile(path.join(source, 'sub', 'b.txt'), 'beta\n');
  return { ...home, source, replica: path.join(home.root, 'replica'), logs: path.join(home.root, 'logs') };
}

function pairOf(home: Home, extra: Partial<PairSettings> = {}): PairSettings {
  return pairSettings({ id: 'pair-1', source: home.source, replica: home.replica, logDir: home.logs }, extra);
}

/** A pair as settings files written before "keep deleted files" and the deletion limit existed hold it. */
function oldFormat(pair: PairSettings): Omit<PairSettings, 'trash' | 'maxDelete'> {
  const { trash: _trash, maxDelete: _maxDelete, ...rest } = pair;
  return rest;
}

async function writeSettings(home: Home, pairs: readonly (PairSettings | Omit<PairSettings, 'trash' | 'maxDelete'>)[], notifyOnFailure = true): Promise<void> {
  await fsp.mkdir(home.userData, { recursive: true });
  await fsp.writeFile(path.join(home.userData, 'settings.json'), JSON.stringify({ version: 1, pairs, notifyOnFailure }));
}

/** A file big enough that a run copying it is still going when the test asks to quit. */
async function writeBigFile(file: string, megabytes: number): Promise<void> {
  const block = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((i * 2654435761) >>> 0, i);
  const handle = await fsp.open(file, 'w');
  try {
    for (let i = 0; i < megabytes; i += 1) {
      block.writeUInt32LE(i, 0); // no two blocks alike, so nothing can shortcut the copy
      await handle.write(block);
    }
  } finally {
    await handle.close();
  }
}

const headline = (snap: Snapshot): string => menuLabels(snap)[0] ?? '';
const hasLine = (snap: Snapshot, text: string): boolean => menuLabels(snap).some((l) => l.includes(text));
const calls = (snap: Snapshot, api: string): unknown[][] => snap.calls.filter((c) => c.api === api).map((c) => c.args);
const exfatMissing = imageSupportMissing('exfat');
if (exfatMissing !== undefined) console.warn(`Skipping the unplugged-drive tray test: ${exfatMissing}.`);

describe('the tray app, run as a process against the fake electron', () => {
  let home: Home;
  let drive: MountedImage | undefined;
  const processes: MainProcess[] = [];
  const start = (args: string[] = [], env: Record<string, string> = {}): MainProcess => {
    const proc = MainProcess.start({ config: home.config, args, env });
    processes.push(proc);
    return proc;
  };

  beforeAll(() => assertBuilt());
  beforeEach(async () => {
    home = await makeHome();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.dispose()));
    await drive?.dispose();
    drive = undefined;
    await home.cleanup();
  });

  it('starts in the tray with every action in its menu, status first, and one locked-down settings window', async () => {
    const app = start();
    const snap = await app.waitFor('the tray', (s) => lastTray(s)?.menu != null && s);
    const labels = menuLabels(snap);
    expect(headline(snap)).toBe('Folder Sync: no folders set up yet');
    expect(menuItem(snap, labels[0]!)?.enabled).toBe(false);
    for (const label of ['Sync now', 'Pause syncing', 'Settings…', 'Open replica folder', 'Open log', 'Quit']) expect(labels).toContain(label);
    expect(trayIcon(snap)).toBe('idle');
    expect(fs.existsSync(lastTray(snap)!.image)).toBe(true);
    expect(fs.existsSync(lastTray(snap)!.image.replace(/\.png$/, '@2x.png'))).toBe(true);
    expect(snap.ipcChannels.sort()).toEqual(Object.values(Channel).filter((c) => c !== Channel.StatusChanged).sort());
    expect(snap.permissionRequestHandler && snap.permissionCheckHandler).toBe(true);
    expect(snap.appListeners['second-instance']).toBe(1);
    expect(snap.powerMonitorListeners.shutdown).toBe(1);

    await app.click('Settings…');
    const opened = await app.waitFor('the settings window', (s) => s.windows.find((w) => w.visible && !w.destroyed));
    const prefs = opened.options.webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, disableBlinkFeatures: 'Auxclick' });
    expect(fs.existsSync(String(prefs.preload))).toBe(true);
    expect(opened.loadedFile).toBe(path.join(REPO_ROOT, 'dist/renderer/index.html'));
    expect(opened.menuRemoved).toBe(true);
    // Navigation and new windows are refused for the page.
    expect(await app.request({ cmd: 'navigate', windowId: opened.id, url: 'https://example.com/' })).toEqual({ navigated: false, windowOpen: 'deny' });

    // A second "Settings…" focuses the same window.
    await app.click('Settings…');
    const again = await app.waitFor('the focus', (s) => s.windows.find((w) => w.id === opened.id && w.focusCount > 0) && s);
    expect(again.windows.filter((w) => !w.destroyed)).toHaveLength(1);

    // IPC from anywhere but the page is refused, and so are malformed arguments.
    await expect(app.request({ cmd: 'invoke', channel: Channel.GetStatus, args: [], url: 'https://evil.example/' })).rejects.toThrow(/did not come from the settings page/);
    await expect(app.invoke(Channel.SaveSettings, { pairs: 'all of them', notifyOnFailure: true, startAtLogin: false })).rejects.toThrow(/settings\.pairs must be a list/);
    await expect(app.invoke(Channel.SyncNow, '../../etc')).rejects.toThrow(/pairId/);
    await expect(app.invoke(Channel.GetStatus, 'extra')).rejects.toThrow(/takes 0 arguments/);

    // Closing the window leaves the app in the tray.
    await app.request({ cmd: 'close-window', windowId: opened.id });
    const closed = await app.waitFor('the window to close', (s) => s.windows.every((w) => w.destroyed) && s);
    expect(lastTray(closed)?.destroyed).toBe(false);
    expect(app.running).toBe(true);

    // Idle: Quit quits at once.
    const quitAt = Date.now();
    await app.click('Quit');
    const exit = await app.exited;
    expect(exit).toMatchObject({ code: 0, reported: 0 });
    expect(Date.now() - quitAt).toBeLessThan(2000);
  });

  it('saves settings only when valid, applies them at once, and reads them back after a restart', async () => {
    const app = start();
    await app.waitFor('the tray', (s) => lastTray(s)?.menu != null);
    await app.click('Settings…');
    await app.waitFor('the settings window', (s) => s.windows.some((w) => w.visible));

    const input = (interval: string): SettingsInput => ({ pairs: [{ ...pairOf(home), id: '', interval }], notifyOnFailure: false, startAtLogin: true });
    const bad = (await app.invoke(Channel.SaveSettings, input('5x'))) as unknown as SaveResult;
    expect(bad.ok).toBe(false);
    expect(bad.ok === false && bad.errors).toEqual([{ pairIndex: 0, field: 'interval', message: expect.stringContaining('"5x"') }]);
    expect(fs.existsSync(path.join(home.userData, 'settings.json'))).toBe(false);
    expect(fs.existsSync(path.join(home.config, 'autostart', 'folder-sync.desktop'))).toBe(false);

    const good = (await app.invoke(Channel.SaveSettings, input('1h'))) as unknown as SaveResult;
    expect(good.ok).toBe(true);
    const saved = good.ok ? good.settings : undefined;
    expect(saved?.pairs[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved).toMatchObject({ startAtLogin: true, notifyOnFailure: false });
    const desktop = await fsp.readFile(path.join(home.config, 'autostart', 'folder-sync.desktop'), 'utf8');
    expect(desktop).toMatch(/^Exec=.+$/m);

    // Applied at once: the new pair runs without a restart, and the tray names it.
    await app.waitFor('the first sync', (s) => hasLine(s, 'source → replica: synced') && s);
    expect(await fsp.readFile(path.join(home.replica, 'sub', 'b.txt'), 'utf8')).toBe('beta\n');
    expect(await fsp.readFile(path.join(home.logs, 'folder-sync.log'), 'utf8')).toMatch(/copy +a\.txt/);

    await app.click('Quit');
    expect((await app.exited).code).toBe(0);

    const again = start();
    await again.waitFor('the tray', (s) => hasLine(s, 'source → replica'));
    await again.click('Settings…');
    await again.waitFor('the settings window', (s) => s.windows.some((w) => w.visible));
    const view = (await again.invoke(Channel.GetSettings)) as unknown as SettingsView;
    expect(view.pairs).toEqual(saved?.pairs);
    expect(view).toMatchObject({ startAtLogin: true, notifyOnFailure: false, defaultLogDir: path.join(home.userData, 'logs') });
  });

  it('runs as a user starts it, outside the repository, and its log of a sync is written', async () => {
    await writeSettings(home, [pairOf(home)]);
    const app = start();
    await app.waitFor('the first sync', (s) => hasLine(s, ': synced'));
    // Where the process runs: a temporary folder with no package.json above it, HOME temporary too.
    const cwd = fs.readlinkSync(`/proc/${app.child.pid!}/cwd`);
    const env = fs.readFileSync(`/proc/${app.child.pid!}/environ`, 'utf8').split('\0');
    expect(packageJsonAbove(cwd)).toBeUndefined();
    expect(path.relative(REPO_ROOT, cwd).startsWith('..')).toBe(true);
    expect(env.find((v) => v.startsWith('HOME='))?.startsWith(`HOME=${home.root}`)).toBe(true);
    expect(env.filter((v) => /^npm_/i.test(v))).toEqual([]);
    const log = await fsp.readFile(path.join(home.logs, 'folder-sync.log'), 'utf8');
    expect(log).toMatch(/copy\s+a\.txt/);
    expect(log).toMatch(/copy\s+sub\/b\.txt/);
  });

  it('menu items act: sync now, open replica folder, open log, pause and resume', async () => {
    // A settings file from before the trash option and the deletion limit: it still loads (trash off, no limit).
    await writeSettings(home, [oldFormat(pairOf(home))]);
    const app = start();
    await app.waitFor('the first sync', (s) => hasLine(s, ': synced'));

    await fsp.writeFile(path.join(home.source, 'new.txt'), 'new\n');
    await app.click('Sync now');
    await expect.poll(() => fs.existsSync(path.join(home.replica, 'new.txt')), { timeout: 10_000 }).toBe(true);

    await app.click('Open replica folder');
    await app.click('Open log');
    const opened = await app.waitFor('two shell calls', (s) => calls(s, 'shell.openPath').length === 2 && calls(s, 'shell.openPath'));
    expect(opened).toEqual([[home.replica], [path.join(home.logs, 'folder-sync.log')]]);

    await app.click('Pause syncing');
    const paused = await app.waitFor('the paused look', (s) => trayIcon(s) === 'paused' && s);
    expect(headline(paused)).toBe('Folder Sync: paused');
    expect(menuLabels(paused)).toContain('Resume syncing');
    expect(hasLine(paused, ': synced')).toBe(true);

    // Paused, "Sync now" still syncs once.
    await fsp.writeFile(path.join(home.source, 'later.txt'), 'later\n');
    await app.click('Sync now');
    await expect.poll(() => fs.existsSync(path.join(home.replica, 'later.txt')), { timeout: 10_000 }).toBe(true);

    await app.click('Resume syncing');
    const resumed = await app.waitFor('the idle look', (s) => trayIcon(s) === 'idle' && menuLabels(s).includes('Pause syncing') && s);
    expect(hasLine(resumed, 'next ')).toBe(true);
  });

  for (const how of ['the Quit menu item', 'SIGTERM'] as const) {
    it(`quit by ${how} during a run shows "Finishing current sync…" and quits when the run is done`, async () => {
      await writeBigFile(path.join(home.source, 'big.bin'), 200);
      await writeSettings(home, [pairOf(home)]);
      const app = start();
      await app.waitFor('the run to start', (s) => trayIcon(s) === 'syncing');
      if (how === 'SIGTERM') app.child.kill('SIGTERM');
      else await app.click('Quit');
      const finishing = await app.waitFor('"Finishing current sync…"', (s) => headline(s) === 'Finishing current sync…' && s);
      expect(app.running).toBe(true);
      expect(finishing.notifications.map((n) => n.body)).toContainEqual(expect.stringContaining('Finishing current sync'));
      expect(menuItem(finishing, 'Sync now')?.enabled).toBe(false);

      const exit = await app.exited;
      expect(exit).toMatchObject({ code: 0, reported: 0 });
      // The run was not cut short: the copy is whole and the run's summary is in the log.
      expect((await fsp.stat(path.join(home.replica, 'big.bin'))).size).toBe(200 * 1024 * 1024);
      expect(await fsp.readFile(path.join(home.logs, 'folder-sync.log'), 'utf8')).toMatch(/summary done/);
    });
  }

  it('a second launch opens the settings window of the first and exits without a tray', async () => {
    const first = start();
    await first.waitFor('the tray', (s) => lastTray(s)?.menu != null);
    const record = path.join(home.root, 'second.json');
    const second = start([], { FAKE_ELECTRON_RECORD_FILE: record });
    expect(await second.exited).toMatchObject({ code: 0, reported: 0 });
    const secondSnap = JSON.parse(await fsp.readFile(record, 'utf8')) as Snapshot;
    expect(secondSnap.trays).toEqual([]);
    expect(secondSnap.windows).toEqual([]);
    await first.waitFor('the settings window', (s) => s.windows.some((w) => w.visible && !w.destroyed));
    expect(first.running).toBe(true);
  });

  it('with the CLI flags it runs headless: no tray, no window, the CLI exit code', async () => {
    const record = path.join(home.root, 'headless.json');
    const app = start(['--source', home.source, '--replica', home.replica, '--interval', '1h', '--log-dir', home.logs], { FAKE_ELECTRON_RECORD_FILE: record });
    await expect.poll(() => fs.existsSync(path.join(home.replica, 'sub', 'b.txt')), { timeout: 10_000 }).toBe(true);
    const snap = await app.snapshot();
    expect(snap.trays).toEqual([]);
    expect(snap.windows).toEqual([]);
    app.child.kill('SIGTERM');
    expect(await app.exited).toMatchObject({ code: 0, reported: 0 });
    expect(app.stdout).toMatch(/syncing every 1 hour/);

    const usage = start(['-s', home.source, '-r', home.replica, '-i', '5x', '-l', home.logs], { FAKE_ELECTRON_RECORD_FILE: record });
    expect(await usage.exited).toMatchObject({ code: 2, reported: 2 });
    expect(usage.stderr).toMatch(/Invalid interval "5x"/);
    const usageSnap = JSON.parse(await fsp.readFile(record, 'utf8')) as Snapshot;
    expect(usageSnap.trays).toEqual([]);
    expect(calls(usageSnap, 'app.requestSingleInstanceLock')).toEqual([]);
  });

  it('answers --help and --version as the command line does, without a tray (the packaged executable is what users type)', async () => {
    const record = path.join(home.root, 'help.json');
    const help = start(['--help'], { FAKE_ELECTRON_RECORD_FILE: record });
    expect(await help.exited).toMatchObject({ code: 0, reported: 0 });
    expect(help.stdout).toMatch(/^Usage: folder-sync -s SOURCE -r REPLICA/);
    const helpSnap = JSON.parse(await fsp.readFile(record, 'utf8')) as Snapshot;
    expect(helpSnap.trays).toEqual([]);
    expect(calls(helpSnap, 'app.requestSingleInstanceLock')).toEqual([]);

    const version = start(['--no-sandbox', '-V'], { FAKE_ELECTRON_RECORD_FILE: record });
    expect(await version.exited).toMatchObject({ code: 0, reported: 0 });
    expect(version.stdout).toMatch(/^folder-sync \d+\.\d+\.\d+\n$/);
  });

  it('keeps a corrupt settings file aside, uses the defaults and says so in the menu', async () => {
    await fsp.mkdir(home.userData, { recursive: true });
    await fsp.writeFile(path.join(home.userData, 'settings.json'), '{"version": 1, "pairs": [');
    const app = start();
    const snap = await app.waitFor('the warning', (s) => menuLabels(s).some((l) => l.startsWith('⚠ The settings file could not be used')) && s);
    expect(headline(snap)).toBe('Folder Sync: no folders set up yet');
    const kept = (await fsp.readdir(home.userData)).filter((n) => n.startsWith('settings.json.corrupt-'));
    expect(kept).toHaveLength(1);
    expect(await fsp.readFile(path.join(home.userData, kept[0]!), 'utf8')).toBe('{"version": 1, "pairs": [');
    await app.click('Settings…');
    await app.waitFor('the settings window', (s) => s.windows.some((w) => w.visible));
    const status = (await app.invoke(Channel.GetStatus)) as unknown as StatusView;
    expect(status.warnings[0]).toMatch(/kept as settings\.json\.corrupt-/);
  });

  it('notifies about a failed run when asked to, and not otherwise', async () => {
    const missing = { source: path.join(home.root, 'unplugged') };
    await writeSettings(home, [pairOf(home, missing)], true);
    const app = start();
    const snap = await app.waitFor('the failed run', (s) => s.notifications.length > 0 && s);
    expect(snap.notifications[0]).toMatchObject({ title: expect.stringMatching(/^Sync (failed|refused): unplugged → replica$/), shown: true });
    expect(trayIcon(snap)).toBe('error');
    await app.click('Quit');
    await app.exited;

    await writeSettings(home, [pairOf(home, missing)], false);
    const quiet = start();
    const after = await quiet.waitFor('the failed run', (s) => hasLine(s, 'unplugged → replica: failed') || hasLine(s, 'unplugged → replica: refused') ? s : undefined);
    expect(after.notifications).toEqual([]);
  });

  it('with watching on, a change in the source shows as pending and syncs before the interval', async () => {
    await writeSettings(home, [pairOf(home, { watch: true, interval: '1d' })]);
    const app = start();
    await app.waitFor('the first sync', (s) => hasLine(s, ': synced'));
    // The watcher reports only after its initial scan, which the app does not announce: write until it notices.
    let written = 0;
    let pending = false;
    for (let attempt = 0; attempt < 20 && !pending; attempt += 1) {
      await fsp.writeFile(path.join(home.source, `watched-${written++}.txt`), 'seen\n');
      const until = Date.now() + 400;
      while (!pending && Date.now() < until) pending = hasLine(await app.snapshot(), 'changes pending');
    }
    expect(pending).toBe(true);
    // Synced early (the interval is a day), after the quiet period.
    await expect.poll(() => fs.existsSync(path.join(home.replica, `watched-${written - 1}.txt`)), { timeout: 10_000 }).toBe(true);
  });

  it.skipIf(exfatMissing !== undefined)(
    'a replica drive unplugged: "drive not connected" with the idle icon and no notification, synced as soon as it is back',
    async () => {
      drive = await mountImage('exfat', 16);
      const replica = path.join(drive.dir, 'backup');
      await fsp.writeFile(path.join(home.source, 'a:b.txt'), 'exFAT refuses the colon\n');
      await writeSettings(home, [pairOf(home, { replica })], true);
      const app = start([], { FOLDER_SYNC_DRIVE_CHECK_MS: '100' });
      const synced = await app.waitFor('the first sync', (s) => hasLine(s, 'source → backup: synced') && s);
      expect(trayIcon(synced)).toBe('idle');
      expect(menuLabels(synced)).toContain('⚠ source → backup: not representable on the replica: 1');
      await app.click('Settings…');
      await app.waitFor('the settings window', (s) => s.windows.some((w) => w.visible));
      const status = (await app.invoke(Channel.GetStatus)) as unknown as StatusView;
      expect(status.pairs[0]).toMatchObject({ state: 'idle', replicaFs: expect.stringMatching(/^exFAT-like: /), lastRun: { outcome: 'ok', unrepresentable: 1 } });

      await drive.unmount();
      await fsp.writeFile(path.join(home.source, 'c.txt'), 'c\n');
      await app.click('Sync now');
      const waiting = await app.waitFor('"drive not connected"', (s) => hasLine(s, `source → backup: drive not connected: ${drive!.dir}`) && s);
      expect(trayIcon(waiting)).toBe('idle');
      expect(headline(waiting)).toBe('Folder Sync: waiting for a drive');
      expect(waiting.notifications).toEqual([]);
      expect(fs.readdirSync(drive.dir)).toEqual([]); // nothing written into the empty mount point

      await drive.remount();
      // The interval is an hour: only the drive check (every 100 ms here) can start this run.
      const back = await app.waitFor('the sync once the drive is back', (s) => hasLine(s, 'source → backup: synced') && s, 5_000);
      expect(trayIcon(back)).toBe('idle');
      expect(await fsp.readFile(path.join(replica, 'c.txt'), 'utf8')).toBe('c\n');
      expect(back.notifications).toEqual([]);
    },
  );
});
