/** settings.json on a real temp folder: round trip, atomic write, and a damaged file kept aside. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, DEFAULT_TRASH } from '../../main/app/settings-schema.js';
import type { StoredSettings } from '../../main/app/settings-schema.js';
import { SettingsStore } from '../../main/app/settings-store.js';

let dir: string;
let file: string;
const now = () => new Date('2025-01-02T03:04:05.678Z');

const settings: StoredSettings = {
  version: 1,
  notifyOnFailure: false,
  pairs: [
    {
      id: 'a1',
      source: '/home/u/Documents',
      replica: '/media/u/USB/Documents',
      interval: '1d2h',
      logDir: '/home/u/logs',
      excludes: ['*.tmp'],
      watch: true,
      enabled: true,
      trash: { enabled: true, dir: '/media/u/USB/Documents.trash', keepDays: 14 },
      maxDelete: '10%',
    },
  ],
};

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-settings-'));
  file = path.join(dir, 'config', 'settings.json');
});
afterEach(() => fsp.rm(dir, { recursive: true, force: true }));

describe('SettingsStore', () => {
  it('uses the defaults, without a warning, when there is no file yet', async () => {
    expect(await new SettingsStore(file, now).load()).toEqual({ settings: DEFAULT_SETTINGS, warning: null });
  });

  it('reads back exactly what it saved, leaving no temp file behind', async () => {
    await new SettingsStore(file, now).save(settings);
    expect(await new SettingsStore(file, now).load()).toEqual({ settings, warning: null });
    expect(await fsp.readdir(path.dirname(file))).toEqual(['settings.json']);
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reads a file written before "keep deleted files" existed: the trash is off, 30 days offered', async () => {
    const { trash: _trash, ...oldPair } = settings.pairs[0]!;
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await fsp.writeFile(file, JSON.stringify({ ...settings, pairs: [oldPair] }));
    const result = await new SettingsStore(file, now).load();
    expect(result).toEqual({ settings: { ...settings, pairs: [{ ...oldPair, trash: DEFAULT_TRASH }] }, warning: null });
    expect(DEFAULT_TRASH).toEqual({ enabled: false, dir: '', keepDays: 30 });
  });

  it('keeps the deletion limit, and reads a file written before it existed as "no limit"', async () => {
    for (const maxDelete of ['10%', '250', '']) {
      const withLimit: StoredSettings = { ...settings, pairs: [{ ...settings.pairs[0]!, maxDelete }] };
      await new SettingsStore(file, now).save(withLimit);
      expect(JSON.parse(await fsp.readFile(file, 'utf8')).pairs[0].maxDelete).toBe(maxDelete);
      expect(await new SettingsStore(file, now).load()).toEqual({ settings: withLimit, warning: null });
    }
    const { maxDelete: _maxDelete, trash: _trash, ...oldPair } = settings.pairs[0]!;
    await fsp.writeFile(file, JSON.stringify({ ...settings, pairs: [oldPair] }));
    const result = await new SettingsStore(file, now).load();
    expect(result).toEqual({ settings: { ...settings, pairs: [{ ...oldPair, trash: DEFAULT_TRASH, maxDelete: '' }] }, warning: null });
  });

  const damaged: [string, string, RegExp][] = [
    ['broken JSON', '{"version": 1, "pairs": [', /could not be used \(.*JSON/],
    ['a wrong type', JSON.stringify({ ...settings, notifyOnFailure: 'yes' }), /settings\.notifyOnFailure must be true or false/],
    ['a relative path', JSON.stringify({ ...settings, pairs: [{ ...settings.pairs[0], source: 'Documents' }] }), /pairs\[0\]: The source folder must be an absolute path/],
    ['a bad interval', JSON.stringify({ ...settings, pairs: [{ ...settings.pairs[0], interval: 'daily' }] }), /pairs\[0\]: Invalid interval "daily"/],
    ['a newer version', JSON.stringify({ ...settings, version: 2 }), /version must be 1, found 2/],
    ['trash days as text', JSON.stringify({ ...settings, pairs: [{ ...settings.pairs[0], trash: { enabled: true, dir: '/t', keepDays: '30' } }] }), /pairs\[0\]\.trash\.keepDays must be a number/],
    ['a relative trash folder', JSON.stringify({ ...settings, pairs: [{ ...settings.pairs[0], trash: { enabled: true, dir: 'trash', keepDays: 30 } }] }), /pairs\[0\]: The trash folder must be an absolute path/],
    ['a deletion limit as a number', JSON.stringify({ ...settings, pairs: [{ ...settings.pairs[0], maxDelete: 10 }] }), /pairs\[0\]\.maxDelete must be a string/],
    ['a deletion limit over 100%', JSON.stringify({ ...settings, pairs: [{ ...settings.pairs[0], maxDelete: '150%' }] }), /pairs\[0\]: Invalid deletion limit "150%"/],
  ];
  for (const [what, text, reason] of damaged) {
    it(`keeps a file with ${what} aside and falls back to the defaults with a warning`, async () => {
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await fsp.writeFile(file, text);
      const result = await new SettingsStore(file, now).load();
      expect(result.settings).toEqual(DEFAULT_SETTINGS);
      expect(result.warning).toMatch(reason);
      expect(result.warning).toMatch(/kept as settings\.json\.corrupt-2025-01-02T03-04-05-678Z and the defaults are in use\.$/);
      expect(await fsp.readFile(`${file}.corrupt-2025-01-02T03-04-05-678Z`, 'utf8')).toBe(text);
      await expect(fsp.access(file)).rejects.toThrow();
    });
  }

  it('writes through no link planted at a temp name: the name cannot be guessed and is created O_EXCL|O_NOFOLLOW', async () => {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    // Root-owned and readable by root only: what a link would make a root-run app overwrite.
    const decoy = path.join(dir, 'decoy');
    await fsp.writeFile(decoy, 'root only\n', { mode: 0o600 });
    // The names an attacker can guess: this process's id, as the temp name used to be.
    for (const name of [`${file}.${process.pid}.tmp`, `${file}.tmp`]) await fsp.symlink(decoy, name);
    await new SettingsStore(file, now).save(settings);
    expect(await fsp.readFile(decoy, 'utf8')).toBe('root only\n');
    expect(await new SettingsStore(file, now).load()).toEqual({ settings, warning: null });
    expect((await fsp.lstat(file)).isFile()).toBe(true);
    // No temp file of ours is left beside them.
    expect((await fsp.readdir(path.dirname(file))).sort()).toEqual(['settings.json', 'settings.json.tmp', `settings.json.${process.pid}.tmp`].sort());
  });

  it('sets a FIFO or a folder at settings.json aside at once, never waiting on it, and uses the defaults', async () => {
    for (const [what, plant] of [
      ['FIFO', (at: string) => execFileSync('mkfifo', [at])],
      ['folder', (at: string) => fs.mkdirSync(at)],
    ] as const) {
      await fsp.rm(path.dirname(file), { recursive: true, force: true });
      await fsp.mkdir(path.dirname(file), { recursive: true });
      plant(file);
      const result = await new SettingsStore(file, now).load();
      expect(result.settings, what).toEqual(DEFAULT_SETTINGS);
      expect(result.warning, what).toBe('The settings file could not be used (it is not a regular file); it was kept as settings.json.corrupt-2025-01-02T03-04-05-678Z and the defaults are in use.');
      await new SettingsStore(file, now).save(settings);
      expect(await new SettingsStore(file, now).load(), what).toEqual({ settings, warning: null });
    }
  });
});
