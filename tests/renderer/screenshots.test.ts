/**
 * The README's screenshots, taken of the real page in Chromium bridged to a real main process (fake electron,
 * real engine, real tmpfs drives): a first launch, then one window with a pair syncing, a pair whose drive is
 * full, a pair waiting for its unplugged drive and a pair whose first sync waits for the user's answer — each
 * card alone, the whole window, and the whole window in the dark theme. Written to tests/artifacts/ always and to
 * build/screenshots/ (committed) when missing or with UPDATE_SCREENSHOTS=1, so a test run leaves the tree clean.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { appHome, assertBuilt, lastTray, MainProcess, REPO_ROOT } from '../app/main-process.js';
import { hasChromium, openBridgedPage, type BridgedPage } from './harness.js';

const isRoot = process.getuid?.() === 0;
if (!hasChromium || !isRoot) console.warn('Skipping the screenshots: they need Debian’s chromium and root (tmpfs drives).');

async function save(name: string, shot: Buffer): Promise<void> {
  await fsp.mkdir(path.join(REPO_ROOT, 'tests/artifacts'), { recursive: true });
  await fsp.writeFile(path.join(REPO_ROOT, 'tests/artifacts', name), shot);
  const committed = path.join(REPO_ROOT, 'build/screenshots', name);
  if (process.env.UPDATE_SCREENSHOTS === '1' || !fs.existsSync(committed)) {
    await fsp.mkdir(path.dirname(committed), { recursive: true });
    await fsp.writeFile(committed, shot);
  }
}

async function wholePage(page: Page): Promise<Buffer> {
  const height = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollHeight: number } } }).document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 820, height: Math.max(height, 400) });
  return page.screenshot();
}

async function bigFile(file: string, megabytes: number): Promise<void> {
  const block = Buffer.alloc(1 << 20);
  const handle = await fsp.open(file, 'w');
  for (let i = 0; i < megabytes; i += 1) {
    block.writeUInt32LE(i, 0);
    await handle.write(block);
  }
  await handle.close();
}

describe.skipIf(!hasChromium || !isRoot)('screenshots of the window', () => {
  const mounts: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    for (const mount of mounts) execFileSync('umount', ['-l', mount], { stdio: 'ignore' });
  });
  const tmpfs = async (dir: string, size: string): Promise<void> => {
    await fsp.mkdir(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
    mounts.push(dir);
  };
  const open = async (app: MainProcess): Promise<BridgedPage> => {
    await app.waitFor('the tray', (s) => lastTray(s)?.menu != null);
    if (!(await app.snapshot()).windows.some((w) => w.visible)) await app.click('Settings…');
    const win = await app.waitFor('the window', (s) => s.windows.find((w) => w.visible && !w.destroyed));
    const bridged = await openBridgedPage(app, win.id);
    cleanups.push(() => bridged.close());
    return bridged;
  };

  it('first launch, syncing, drive full, waiting for the drive, first-sync question, dark theme', async () => {
    assertBuilt();
    const first = await appHome();
    cleanups.push(first.cleanup);
    const fresh = MainProcess.start({ config: first.config });
    cleanups.push(() => fresh.dispose());
    const launch = await open(fresh);
    await expect.poll(() => launch.page.textContent('#interval-echo')).toBe('every 1 hour');
    await save('first-launch.png', await wholePage(launch.page));

    const home = await appHome();
    cleanups.push(home.cleanup);
    const folder = (name: string) => path.join(home.root, name);
    for (const name of ['Documents', 'Photos', 'Music', 'Projects']) await fsp.mkdir(folder(name));
    for (let i = 0; i < 12; i += 1) await bigFile(path.join(folder('Documents'), `scan-${String(i).padStart(2, '0')}.pdf`), 100);
    for (let i = 1; i <= 3; i += 1) await bigFile(path.join(folder('Photos'), `IMG_${1000 + i}.CR2`), 3);
    await fsp.writeFile(path.join(folder('Music'), 'playlist.m3u'), 'song.ogg\n');
    await fsp.writeFile(path.join(folder('Projects'), 'plan.md'), '# plan\n');
    await tmpfs(folder('stick'), '8m');
    await tmpfs(folder('usb'), '16m');
    const old = folder('Old projects');
    await fsp.mkdir(path.join(old, 'Family photos 2019'), { recursive: true });
    for (let i = 1; i <= 40; i += 1) await fsp.writeFile(path.join(old, 'Family photos 2019', `photo-${i}.jpg`), 'jpeg');
    await fsp.writeFile(path.join(old, 'wedding-video.mp4'), 'video');
    const pair = (id: string, source: string, replica: string) => ({
      id, source: folder(source), replica, interval: '1d', logDir: path.join(home.root, 'logs'), excludes: [], watch: false, enabled: true,
      trash: { enabled: true, dir: `${replica}.trash`, keepDays: 30 }, maxDelete: '10%',
    });
    await fsp.mkdir(home.userData, { recursive: true });
    await fsp.writeFile(path.join(home.userData, 'settings.json'), JSON.stringify({
      version: 1,
      notifyOnFailure: true,
      pairs: [
        pair('documents', 'Documents', folder('Backup')),
        pair('photos', 'Photos', path.join(folder('stick'), 'Photos')),
        pair('music', 'Music', path.join(folder('usb'), 'Music')),
        pair('projects', 'Projects', old),
      ],
    }));
    const app = MainProcess.start({ config: home.config, env: { FOLDER_SYNC_DRIVE_CHECK_MS: '100' } });
    cleanups.push(() => app.dispose());
    const { page, problems } = await open(app);
    const card = (title: string): Locator => page.locator('#pair-cards > li', { hasText: title });
    await expect.poll(() => page.isVisible('#status-view'), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => card('Photos → Photos').getAttribute('data-state'), { timeout: 20_000 }).toBe('failed');
    await expect.poll(() => card('Projects → Old projects').getAttribute('data-state'), { timeout: 20_000 }).toBe('question');
    await expect.poll(() => card('Music → Music').getAttribute('data-state'), { timeout: 20_000 }).toBe('ok');
    // The drive with Music is unplugged: the pair waits for it.
    execFileSync('umount', ['-l', folder('usb')]);
    mounts.splice(mounts.indexOf(folder('usb')), 1);
    await card('Music → Music').locator('button', { hasText: 'Sync now' }).click();
    await expect.poll(() => card('Music → Music').getAttribute('data-state'), { timeout: 20_000 }).toBe('waiting');
    await save('waiting-for-drive.png', await card('Music → Music').screenshot());
    await save('failed-pair.png', await card('Photos → Photos').screenshot());
    await save('first-sync-question.png', await card('Projects → Old projects').screenshot());

    // Documents: 1.2 GB to copy; shot while the bar moves.
    await expect.poll(() => card('Documents → Backup').getAttribute('data-state'), { timeout: 30_000 }).toMatch(/syncing|ok/);
    if ((await card('Documents → Backup').getAttribute('data-state')) === 'ok') {
      for (let i = 0; i < 12; i += 1) await bigFile(path.join(folder('Documents'), `scan-${String(i).padStart(2, '0')}.pdf`), 101);
      await card('Documents → Backup').locator('button', { hasText: 'Sync now' }).click();
    }
    await expect.poll(() => card('Documents → Backup').locator('.card-figures').textContent(), { timeout: 20_000, interval: 20 }).toMatch(/MiB\/s, \d+:\d\d left/);
    await save('syncing-pair.png', await card('Documents → Backup').screenshot());
    await save('status-first.png', await wholePage(page));
    await page.emulateMedia({ colorScheme: 'dark' });
    await save('dark-theme.png', await wholePage(page));
    expect(problems).toEqual([]);
  }, 120_000);
});
