/** Inline errors for one pair, on real folders: each problem is one sentence on the field it is about. */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPairFields, checkPairOnDisk, checkPairsTogether } from '../../main/app/pair-validation.js';
import type { PairInput } from '../../main/ipc-contract.js';

let root: string;
let pair: PairInput;
beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-validate-'));
  await fsp.mkdir(path.join(root, 'src'));
  pair = { id: '', source: path.join(root, 'src'), replica: path.join(root, 'rep'), interval: '1h', logDir: path.join(root, 'logs'), excludes: [], watch: false, enabled: true };
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
  });

  it('refuses two pairs writing into the same replica', () => {
    expect(checkPairsTogether([pair, { ...pair, source: '/other' }, { ...pair, replica: '/elsewhere' }])).toEqual([{ pairIndex: 1, field: 'replica', message: 'Pair 1 already uses this replica folder.' }]);
  });
});
