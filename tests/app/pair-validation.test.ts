/** Inline errors for one pair, on real folders: each problem is one sentence on the field it is about. */
import { spawnSync } from 'node:child_process';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPairFields, checkPairOnDisk, checkPairsTogether } from '../../main/app/pair-validation.js';
import { suggestTrashDir } from '../../main/shared/trash-suggestion.js';
import type { PairInput } from '../../main/shared/ipc-contract.js';
import { pairSettings } from '../helpers/pair-settings.js';
import { parseMaxDelete, parseMaxDeleteSetting } from '../../main/shared/max-delete.js';

let root: string;
let pair: PairInput;
beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-validate-'));
  await fsp.mkdir(path.join(root, 'src'));
  pair = pairSettings({ id: '', source: path.join(root, 'src'), replica: path.join(root, 'rep'), logDir: path.join(root, 'logs') });
});
afterEach(() => fsp.rm(root, { recursive: true, force: true }));

describe('pair validation', () => {
  it('finds nothing wrong with a good pair', async () => {
    expect(checkPairFields(pair, 0)).toEqual([]);
    expect(await checkPairOnDisk(pair, 0)).toEqual([]);
  });

  it('names each field problem once', () => {
    const errors = checkPairFields({ ...pair, source: '', replica: 'rel/dir', interval: '2h1d', excludes: ['ok', ' '] }, 3);
    expect(errors).toEqual([
      { pairIndex: 3, field: 'source', message: 'Choose a source folder.' },
      { pairIndex: 3, field: 'replica', message: 'The replica folder must be an absolute path, not "rel/dir".' },
      { pairIndex: 3, field: 'interval', message: expect.stringMatching(/^Invalid interval "2h1d"/) },
      { pairIndex: 3, field: 'excludes', message: 'An exclude pattern is empty: remove the blank line.' },
    ]);
  });

  it('catches a missing source, a file as replica, overlapping folders and a log inside the replica', async () => {
    const fieldOf = async (p: PairInput) => (await checkPairOnDisk(p, 0)).map((e) => `${e.field}: ${e.message}`);
    expect(await fieldOf({ ...pair, source: path.join(root, 'gone') })).toEqual([`source: The source folder "${path.join(root, 'gone')}" does not exist.`]);
    await fsp.writeFile(path.join(root, 'file'), '');
    expect(await fieldOf({ ...pair, replica: path.join(root, 'file') })).toEqual([`replica: The replica "${path.join(root, 'file')}" is a file, not a folder.`]);
    expect(await fieldOf({ ...pair, replica: pair.source })).toEqual(['replica: The replica folder must not be the source folder itself.']);
    expect(await fieldOf({ ...pair, replica: path.join(pair.source, 'inner', 'deeper') })).toEqual(['replica: The replica folder must not be inside the source folder.']);
    expect(await fieldOf({ ...pair, replica: root, logDir: '/nonexistent/logs' })).toEqual(['replica: The replica folder must not contain the source folder.']);
    await fsp.symlink(pair.source, path.join(root, 'link'));
    expect(await fieldOf({ ...pair, replica: path.join(root, 'link', 'x') })).toEqual(['replica: The replica folder must not be inside the source folder.']);
    expect(await fieldOf({ ...pair, logDir: path.join(pair.replica, 'logs') })).toEqual(['logDir: The log folder must not be inside the replica folder: each sync would delete it.']);
    // Inside the source, a log is only a loop when watching: each line written would start the next sync.
    const loop = 'logDir: The log folder is inside the source, so with "Watch for changes" on each sync would start the next: choose a log folder outside the source.';
    expect(await fieldOf({ ...pair, logDir: path.join(pair.source, 'logs'), watch: true })).toEqual([loop]);
    expect(await fieldOf({ ...pair, logDir: pair.source, watch: true })).toEqual([loop]);
    expect(await fieldOf({ ...pair, logDir: path.join(pair.source, 'logs'), watch: false })).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)('sees overlaps made by bind mounts, as the engine does (needs root to mount)', async () => {
    const fieldOf = async (p: PairInput) => (await checkPairOnDisk(p, 0)).map((e) => `${e.field}: ${e.message}`);
    const inSource = path.join(pair.source, 'rep');
    const kept = path.join(root, 'kept');
    const inReplica = path.join(pair.replica, 'kept');
    for (const dir of [pair.replica, inSource, kept, inReplica]) await fsp.mkdir(dir);
    try {
      expect(spawnSync('mount', ['--bind', pair.replica, inSource]).status).toBe(0);
      expect(await fieldOf(pair)).toEqual(['replica: The replica folder must not be inside the source folder.']);
      expect(spawnSync('umount', [inSource]).status).toBe(0);
      // A log folder whose folder is bound inside the replica: no ancestor of its path is the replica.
      expect(spawnSync('mount', ['--bind', kept, inReplica]).status).toBe(0);
      expect(await fieldOf({ ...pair, logDir: path.join(kept, 'logs') })).toEqual(['logDir: The log folder must not be inside the replica folder: each sync would delete it.']);
    } finally {
      for (const at of [inSource, inReplica]) spawnSync('umount', ['-l', at]);
    }
  });

  it("the app's state folder: refused inside the replica, and inside the source while watching", async () => {
    const fieldOf = async (p: PairInput, stateDir: string) => (await checkPairOnDisk(p, 0, stateDir)).map((e) => `${e.field}: ${e.message}`);
    expect(await fieldOf(pair, path.join(root, 'state', 'id'))).toEqual([]);
    const inReplica = path.join(pair.replica, 'state');
    expect(await fieldOf(pair, inReplica)).toEqual([`replica: The replica folder must not hold the app's state folder "${inReplica}": each sync would delete it.`]);
    const inSource = path.join(pair.source, '.config', 'state');
    expect(await fieldOf({ ...pair, watch: false }, inSource)).toEqual([]);
    expect(await fieldOf({ ...pair, watch: true }, inSource)).toEqual([
      `source: The source folder must not hold the app's state folder "${inSource}" while watching for changes: each sync would start the next.`,
    ]);
  });

  it('refuses two pairs writing into the same replica', () => {
    expect(checkPairsTogether([pair, { ...pair, source: '/other' }, { ...pair, replica: '/elsewhere' }])).toEqual([{ pairIndex: 1, field: 'replica', message: 'Pair 1 already uses this replica folder.' }]);
  });
});

describe('the deletion limit ("stop if a sync would delete more than")', () => {
  const limitErrors = (maxDelete: string) => checkPairFields({ ...pair, maxDelete }, 2);

  it('takes N or P% as the CLI does, and empty for no limit', () => {
    for (const ok of ['', '  ', '0', '1', '250', ' 7 ', '0%', '10%', '12.5%', '100%']) expect(limitErrors(ok)).toEqual([]);
    expect(parseMaxDeleteSetting('')).toBeUndefined();
    expect(parseMaxDeleteSetting(' 25 ')).toEqual({ count: 25 });
    expect(parseMaxDeleteSetting('12.5%')).toEqual({ percent: 12.5 });
  });

  it('names the field and what was typed, in one sentence, on the limit field', () => {
    for (const bad of ['ten', '150%', '-1', '1.5', '10 %', '%', '1e3', '10%%']) {
      expect(limitErrors(bad)).toEqual([
        { pairIndex: 2, field: 'maxDelete', message: `Invalid deletion limit "${bad}": give a number of entries (e.g. 100) or a percentage up to 100% (e.g. 10%).` },
      ]);
    }
    // The same rules, in the CLI's words.
    expect(() => parseMaxDelete('150%', '--max-delete')).toThrow('Invalid --max-delete "150%": give a number of entries (e.g. 100) or a percentage up to 100% (e.g. 10%).');
  });
});

describe('the trash folder ("keep deleted and overwritten files")', () => {
  const withTrash = (dir: string, keepDays = 30, enabled = true): PairInput => ({ ...pair, trash: { enabled, dir, keepDays } });
  const onDisk = async (p: PairInput) => (await checkPairOnDisk(p, 0)).map((e) => `${e.field}: ${e.message}`);

  it('suggests a folder beside the replica, named after it, never inside it', () => {
    expect(suggestTrashDir('/media/u/USB/Backup')).toBe('/media/u/USB/Backup.trash');
    expect(suggestTrashDir('/media/u/USB/Backup/')).toBe('/media/u/USB/Backup.trash');
    expect(suggestTrashDir('')).toBe('');
    expect(suggestTrashDir('/')).toBe('');
    expect(suggestTrashDir('relative/dir')).toBe('');
  });

  it('checks the folder and the days only while switched on', () => {
    expect(checkPairFields(withTrash('', 0, false), 0)).toEqual([]);
    expect(checkPairFields(withTrash('', 30), 1)).toEqual([{ pairIndex: 1, field: 'trashDir', message: 'Choose a trash folder.' }]);
    expect(checkPairFields(withTrash('trash'), 0)).toEqual([{ pairIndex: 0, field: 'trashDir', message: 'The trash folder must be an absolute path, not "trash".' }]);
    for (const days of [0, -1, 1.5, 3651]) {
      expect(checkPairFields(withTrash('/t', days), 0)).toEqual([{ pairIndex: 0, field: 'trashKeepDays', message: 'Keep deleted files for a whole number of days, from 1 to 3650.' }]);
    }
    expect(checkPairFields(withTrash('/t', 1), 0)).toEqual([]);
    expect(checkPairFields(withTrash('/t', 3650), 0)).toEqual([]);
  });

  it("refuses what the engine refuses, in the engine's sentence, on the trash field", async () => {
    const replica = pair.replica;
    expect(await onDisk(withTrash(suggestTrashDir(replica)))).toEqual([]);
    expect(await onDisk(withTrash(path.join(replica, '.trash')))).toEqual([`trashDir: The trash folder "${path.join(replica, '.trash')}" overlaps the replica; choose a folder beside it, not inside it.`]);
    expect(await onDisk(withTrash(replica))).toEqual([`trashDir: The trash folder "${replica}" overlaps the replica; choose a folder beside it, not inside it.`]);
    // Another problem of the pair is reported on its own field, and the trash is not judged on top of it.
    expect(await onDisk({ ...withTrash(replica), source: '/nonexistent-never' })).toEqual(['source: The source folder "/nonexistent-never" does not exist.']);
    // Holding the replica is refused as well.
    const outer = path.join(root, 'outer');
    await fsp.mkdir(outer);
    expect(await onDisk({ ...withTrash(outer), replica: path.join(outer, 'rep') })).toEqual([`trashDir: The trash folder "${outer}" overlaps the replica; choose a folder beside it, not inside it.`]);
    expect(await onDisk(withTrash(path.join(pair.source, 'trash')))).toEqual([`trashDir: The trash folder "${path.join(pair.source, 'trash')}" is inside the source; choose a folder outside it.`]);
    expect(await onDisk(withTrash(path.join(root, 'no', 'such', 'trash')))).toEqual([`trashDir: The trash folder "${path.join(root, 'no', 'such', 'trash')}" cannot be created: its parent folder does not exist.`]);
    await fsp.writeFile(path.join(root, 'a-file'), '');
    expect(await onDisk(withTrash(path.join(root, 'a-file')))).toEqual([`trashDir: The trash path "${path.join(root, 'a-file')}" is a file, not a folder.`]);
    // Switched off, a bad folder is only remembered.
    expect(await onDisk(withTrash(path.join(replica, '.trash'), 30, false))).toEqual([]);
  });

  it('leaves a problem that is not the trash\'s (an unplugged drive\'s missing mount point) to the run, not to the trash field', async () => {
    const gone = path.join(root, 'media', 'USB', 'Backup');
    expect(await onDisk({ ...withTrash(suggestTrashDir(gone)), replica: gone })).toEqual([]);
  });
});
