/**
 * Vanishing source (issue 5): the source folder disappears, is emptied, is an unplugged drive's empty mount
 * point, or vanishes in the middle of a run. Nothing in the replica is deleted and the refusal says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountTmpfs, tmpfsSupportMissing, type Tmpfs } from '../helpers/fault-mount.js';
import { makePair, type Pair } from '../helpers/pair.js';
import { ctimes, writeTree } from '../helpers/tree.js';

let pair: Pair;
let drive: Tmpfs | undefined;
afterEach(() => {
  drive?.dispose();
  drive = undefined;
  pair?.cleanup();
});

const FILES = { 'a.txt': 'A', 'd/b.txt': 'B', 'd/e/c.txt': 'C', 'empty/': '' };

describe('vanishing source', () => {
  it('a deleted source folder: refused, the replica untouched', async () => {
    pair = makePair();
    writeTree(pair.source, FILES);
    await pair.sync();
    const before = ctimes(pair.replica);
    fs.rmSync(pair.source, { recursive: true });
    for (const allowEmptySource of [false, true]) {
      const { summary } = await pair.sync({ allowEmptySource });
      expect(summary.status).toBe('refused');
      expect(summary.refusal).toMatchObject({ reason: 'source-missing', message: expect.stringContaining('missing') });
    }
    expect(ctimes(pair.replica)).toEqual(before);
  });

  it('an emptied source: refused and says how to proceed; with allowEmptySource it proceeds', async () => {
    pair = makePair();
    writeTree(pair.source, FILES);
    await pair.sync();
    const before = ctimes(pair.replica);
    for (const entry of fs.readdirSync(pair.source)) fs.rmSync(path.join(pair.source, entry), { recursive: true });
    const refused = await pair.sync();
    expect(refused.summary.refusal).toMatchObject({ reason: 'source-emptied', message: expect.stringContaining('--allow-empty-source') });
    expect(ctimes(pair.replica)).toEqual(before);
    const allowed = await pair.sync({ allowEmptySource: true });
    expect(allowed.summary.status).toBe('ok');
    expect(fs.readdirSync(pair.replica)).toEqual([]);
  });

  it('the source vanishes in the middle of a run: what was planned to copy is skipped, nothing is deleted', async () => {
    pair = makePair();
    writeTree(pair.source, FILES);
    await pair.sync();
    writeTree(pair.source, { 'new1.txt': '1', 'd/new2.txt': '2' });
    const { summary } = await pair.sync({
      onEvent(event) {
        if (event.type === 'plan') fs.rmSync(pair.source, { recursive: true });
      },
    });
    expect(summary).toMatchObject({ deleted: 0, copied: 0, errors: 0, skipped: 2 });
    for (const rel of ['a.txt', 'd/b.txt', 'd/e/c.txt', 'empty']) expect(fs.existsSync(path.join(pair.replica, rel)), rel).toBe(true);
    expect((await pair.sync()).summary.refusal?.reason).toBe('source-missing');
  });

  it.skipIf(tmpfsSupportMissing() !== undefined)('an unplugged source drive (empty mount point): refused, even with allowEmptySource', async () => {
    pair = makePair({ createReplica: true });
    fs.rmdirSync(pair.source);
    drive = mountTmpfs(pair.source, '8m');
    writeTree(pair.source, FILES);
    expect((await pair.sync()).summary.status).toBe('ok');
    const before = ctimes(pair.replica);
    drive.dispose();
    drive = undefined;
    for (const allowEmptySource of [false, true]) {
      const { summary } = await pair.sync({ allowEmptySource });
      expect(summary.status).toBe('refused');
      expect(summary.refusal?.message).toMatch(/not connected|empty/);
    }
    expect(ctimes(pair.replica)).toEqual(before);
  });
});
