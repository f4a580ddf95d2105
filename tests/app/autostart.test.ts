/** Start at login: the XDG autostart entry on a real temp config folder. */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Autostart, autostartEntry, quoteExecArg } from '../../main/app/autostart.js';

let configDir: string;
beforeEach(async () => {
  configDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-autostart-'));
});
afterEach(() => fsp.rm(configDir, { recursive: true, force: true }));

describe('Autostart', () => {
  it('writes, reads and removes ~/.config/autostart/folder-sync.desktop', async () => {
    const autostart = new Autostart({ configDir, command: ['/opt/Folder Sync/folder-sync'] });
    expect(autostart.file).toBe(path.join(configDir, 'autostart', 'folder-sync.desktop'));
    expect(await autostart.isEnabled()).toBe(false);
    await autostart.set(true);
    expect(await autostart.isEnabled()).toBe(true);
    const text = await fsp.readFile(autostart.file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(text).toContain('Exec="/opt/Folder Sync/folder-sync"\n');
    await autostart.set(false);
    expect(await autostart.isEnabled()).toBe(false);
    await autostart.set(false); // removing twice is fine
  });

  it('treats an entry the desktop switched off as off', async () => {
    const autostart = new Autostart({ configDir, command: ['/usr/bin/folder-sync'] });
    await autostart.set(true);
    await fsp.appendFile(autostart.file, 'Hidden=true\n');
    expect(await autostart.isEnabled()).toBe(false);
  });

  it('quotes Exec arguments as the Desktop Entry spec asks', () => {
    expect(quoteExecArg('/usr/bin/folder-sync')).toBe('/usr/bin/folder-sync');
    expect(quoteExecArg('/home/u/My "Apps"/$x`y`.AppImage')).toBe('"/home/u/My \\"Apps\\"/\\$x\\`y\\`.AppImage"');
    expect(quoteExecArg('/a/100%')).toBe('/a/100%%');
    expect(autostartEntry(['/usr/bin/electron', '/opt/app'])).toContain('Exec=/usr/bin/electron /opt/app\n');
  });
});
