/** Start at login: the XDG autostart entry on a real temp config folder. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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

const has = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const canValidate = has('desktop-file-validate');
// `gio launch` starts a desktop entry through GLib's GDesktopAppInfo, as Cinnamon's session does.
const canLaunch = has('gio');
if (!canValidate || !canLaunch) {
  console.warn('autostart: desktop-file-validate or gio missing (apt-get install desktop-file-utils libglib2.0-bin); the Exec checks are skipped');
}

describe('the autostart entry on a real desktop parser', () => {
  // Every character the Desktop Entry spec reserves or escapes, in the program's path and in its arguments.
  const awkward = ['plain', 'two words', 'dollar $HOME', 'quote " and \' single', 'back\\slash \\\\ twice', 'tick `id`', '100% %f %%', '', 'tab\there', 'semi;colon & pipe | <>', 'line\nbreak', 'Документы ~/*?#()'];

  it.skipIf(!canValidate)('is desktop-file-validate clean for a path with spaces and a $', async () => {
    const autostart = new Autostart({ configDir, command: ['/home/me/My Apps/$pecial "Sync"/Folder Sync.AppImage', ...awkward] });
    await autostart.set(true);
    const result = spawnSync('desktop-file-validate', [autostart.file], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(!canLaunch)('starts exactly the program and arguments it was given when GLib launches it', async () => {
    // No % in the program's own path: GLib looks the program up before it undoes %%, so it finds no such file (a
    // GLib limit; desktop-file-validate, above, holds such a path to the spec).
    const folder = path.join(configDir, 'My Apps $HOME "q" `x` back\\slash');
    await fsp.mkdir(folder);
    const program = path.join(folder, 'folder sync.sh');
    const out = path.join(configDir, 'argv.out');
    await fsp.writeFile(program, `#!/bin/sh\nprintf '%s\\0' "$0" "$@" > '${out}'\n`, { mode: 0o755 });
    const autostart = new Autostart({ configDir, command: [program, ...awkward] });
    await autostart.set(true);
    const launched = spawnSync('gio', ['launch', autostart.file], { encoding: 'utf8', timeout: 10_000 });
    expect(launched.stderr).toBe('');
    const deadline = Date.now() + 5000;
    while (!fs.existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    const argv = (await fsp.readFile(out, 'utf8')).split('\0').slice(0, -1);
    expect(argv).toEqual([program, ...awkward]);
  });
});
