import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRecord, recordFileFor } from '../../../main/engine/record/record-file.js';
import { editRecordPaths } from '../../helpers/record-edit.js';
import { ConfigError, runSync, validatePair } from '../../../main/engine/run/sync.js';
import { makePair, type Pair } from '../../helpers/pair.js';
import { ctimes, describeTree, writeTree } from '../../helpers/tree.js';

let pair: Pair;
afterEach(() => pair?.cleanup());

function setMtime(file: string, seconds: number): void {
  fs.utimesSync(file, seconds, seconds);
}

describe('the original checklist', () => {
  it('replica empty: everything is copied, folders and empty folders too', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'sub/b.txt': 'B', 'sub/deeper/c.txt': 'C', 'empty/': '' });
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ status: 'ok', copied: 3, created: 3, errors: 0 });
    pair.expectMirror();
  });

  it('replica missing: it is created', async () => {
    pair = makePair({ createReplica: false });
    writeTree(pair.source, { 'a.txt': 'A' });
    await pair.sync();
    pair.expectMirror();
  });

  it('both empty: nothing happens', async () => {
    pair = makePair();
    const { summary, ops } = await pair.sync();
    expect(summary.status).toBe('ok');
    expect(ops).toEqual([]);
  });

  it('source emptied while the replica holds files: refused, nothing deleted', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'd/b.txt': 'B' });
    await pair.sync();
    fs.rmSync(pair.source, { recursive: true });
    fs.mkdirSync(pair.source);
    const before = describeTree(pair.replica);
    const { summary } = await pair.sync();
    expect(summary.status).toBe('refused');
    expect(summary.refusal?.reason).toBe('source-emptied');
    expect(summary.refusal?.message).toContain('--allow-empty-source');
    expect(describeTree(pair.replica)).toEqual(before);
  });

  it('source emptied with allowEmptySource: the replica is emptied', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'd/b.txt': 'B' });
    await pair.sync();
    fs.rmSync(pair.source, { recursive: true });
    fs.mkdirSync(pair.source);
    const { summary } = await pair.sync({ allowEmptySource: true });
    expect(summary).toMatchObject({ status: 'ok', deleted: 3 });
    expect(fs.readdirSync(pair.replica)).toEqual([]);
  });

  it('source missing: refused, replica untouched', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    await pair.sync();
    fs.rmSync(pair.source, { recursive: true });
    const { summary } = await pair.sync();
    expect(summary.refusal?.reason).toBe('source-missing');
    expect(fs.readdirSync(pair.replica)).toEqual(['a.txt']);
  });

  it('identical trees with no record: nothing is copied', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'sub/b.txt': 'B' });
    execFileSync('cp', ['-a', `${pair.source}/.`, pair.replica]);
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ copied: 0, updated: 0, deleted: 0 });
    pair.expectMirror();
  });

  it('extra file and folder in the replica are deleted', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    writeTree(pair.replica, { 'extra.txt': 'x', 'extra-dir/deep/f': 'y' });
    const { summary } = await pair.sync();
    expect(summary.deleted).toBe(4);
    pair.expectMirror();
  });

  it('extra file in the source is copied', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    await pair.sync();
    writeTree(pair.source, { 'b.txt': 'B' });
    const { summary } = await pair.sync();
    expect(summary.copied).toBe(1);
    pair.expectMirror();
  });

  it('rename in the source is a move in the replica, no bytes copied', async () => {
    pair = makePair();
    writeTree(pair.source, { 'old name.txt': 'contents' });
    await pair.sync();
    const inode = fs.statSync(path.join(pair.replica, 'old name.txt')).ino;
    fs.renameSync(path.join(pair.source, 'old name.txt'), path.join(pair.source, 'new name.txt'));
    const { summary, ops } = await pair.sync();
    expect(ops).toEqual(['move old name.txt -> new name.txt']);
    expect(summary).toMatchObject({ moved: 1, copied: 0, bytesCopied: 0 });
    expect(fs.statSync(path.join(pair.replica, 'new name.txt')).ino).toBe(inode);
    pair.expectMirror();
  });

  it('rename in the replica (by hand) is undone', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'b.txt': 'B' });
    await pair.sync();
    fs.renameSync(path.join(pair.replica, 'a.txt'), path.join(pair.replica, 'renamed.txt'));
    await pair.sync();
    pair.expectMirror();
  });

  it('file moved in the source to another folder, and moved and renamed', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a/one.txt': '1111', 'a/two.txt': '2222', 'b/': '' });
    await pair.sync();
    fs.renameSync(path.join(pair.source, 'a/one.txt'), path.join(pair.source, 'b/one.txt'));
    fs.renameSync(path.join(pair.source, 'a/two.txt'), path.join(pair.source, 'b/zwei.txt'));
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ moved: 2, copied: 0 });
    pair.expectMirror();
  });

  it('file moved in the replica by hand is put back', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a/one.txt': '1111', 'b/': '' });
    await pair.sync();
    fs.renameSync(path.join(pair.replica, 'a/one.txt'), path.join(pair.replica, 'b/one.txt'));
    await pair.sync();
    pair.expectMirror();
  });

  it('last file of a subfolder deleted in the source: the folder stays, empty', async () => {
    pair = makePair();
    writeTree(pair.source, { 'sub/only.txt': 'x' });
    await pair.sync();
    fs.rmSync(path.join(pair.source, 'sub/only.txt'));
    await pair.sync();
    expect(fs.readdirSync(path.join(pair.replica, 'sub'))).toEqual([]);
    pair.expectMirror();
  });

  it('last file of a subfolder deleted in the replica: it is restored', async () => {
    pair = makePair();
    writeTree(pair.source, { 'sub/only.txt': 'x' });
    await pair.sync();
    fs.rmSync(path.join(pair.replica, 'sub/only.txt'));
    const { summary } = await pair.sync();
    expect(summary.copied).toBe(1);
    pair.expectMirror();
  });

  it('trailing slashes on the paths change nothing', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    await pair.sync();
    const summary = await runSync({ source: `${pair.source}/`, replica: `${pair.replica}//`, stateDir: pair.state });
    expect(summary).toMatchObject({ copied: 0, updated: 0, deleted: 0, moved: 0 });
  });

  it('zero-byte files and names with spaces, newlines, ; and ^^^', async () => {
    pair = makePair();
    writeTree(pair.source, { 'empty file': '', 'with space/and;semi^^^colon': 'x', 'new\nline': 'n', 'tab\there': 't' });
    await pair.sync();
    pair.expectMirror();
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ copied: 0, updated: 0 });
  });

  it('names that are not valid UTF-8 are mirrored byte for byte', async () => {
    pair = makePair();
    const name = Buffer.concat([Buffer.from(pair.source + '/bad-'), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]);
    fs.writeFileSync(name, 'bytes');
    await pair.sync();
    pair.expectMirror();
    const { ops } = await pair.sync();
    expect(ops).toEqual([]);
  });
});

describe('contents and metadata', () => {
  it('a changed file is updated, with mode and mtime', async () => {
    pair = makePair();
    writeTree(pair.source, { 'f.txt': 'one' });
    await pair.sync();
    fs.writeFileSync(path.join(pair.source, 'f.txt'), 'two!');
    fs.chmodSync(path.join(pair.source, 'f.txt'), 0o640);
    const { summary } = await pair.sync();
    expect(summary.updated).toBe(1);
    pair.expectMirror();
  });

  it('progress tells the bytes inside a large file while it is copied, and which file', async () => {
    pair = makePair();
    fs.writeFileSync(path.join(pair.source, 'big.bin'), Buffer.alloc(24 << 20, 3));
    const { events } = await pair.sync();
    const progress = events.flatMap((e) => (e.type === 'progress' ? [e] : []));
    const inside = progress.filter((e) => e.filesDone === 0 && e.bytesDone > 0 && e.bytesDone < e.bytesTotal);
    expect(inside.length, JSON.stringify(progress)).toBeGreaterThan(0);
    expect(inside.every((e) => e.current === 'big.bin')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ filesDone: 1, filesTotal: 1, bytesDone: 24 << 20, bytesTotal: 24 << 20, current: 'big.bin' });
  });

  it('the summary says what was scanned and read, and the time of each stage', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'AAAA', 'd/b.txt': 'BB' });
    const first = (await pair.sync()).summary;
    expect(first.stats).toMatchObject({ sourceEntries: 3, replicaEntries: 0, bytesRead: 6 });
    for (const ms of Object.values(first.stats!.stageMs)) expect(ms).toBeGreaterThanOrEqual(0);
    expect(first.stats!.stageMs.saveRecord).toBeGreaterThan(0);
    // Renamed with no record of it: found by content, so both files were hashed.
    fs.rmSync(path.join(pair.state), { recursive: true });
    fs.renameSync(path.join(pair.source, 'a.txt'), path.join(pair.source, 'c.txt'));
    const second = (await pair.sync()).summary;
    expect(second).toMatchObject({ moved: 1, copied: 0, stats: { sourceEntries: 3, replicaEntries: 3, bytesRead: 8 } });
  });

  it('mode-only change is a chmod, not a copy', async () => {
    pair = makePair();
    writeTree(pair.source, { 'f.sh': 'echo' });
    await pair.sync();
    fs.chmodSync(path.join(pair.source, 'f.sh'), 0o755);
    const { ops } = await pair.sync();
    expect(ops).toEqual(['chmod f.sh']);
    pair.expectMirror();
  });

  it('folder modes: set on new folders, put back where they differ, left alone where only the contents changed', async () => {
    pair = makePair();
    writeTree(pair.source, { 'keep/a.txt': 'a', 'drift/b.txt': 'b' });
    fs.chmodSync(path.join(pair.source, 'keep'), 0o750);
    fs.chmodSync(path.join(pair.source, 'drift'), 0o751);
    await pair.sync();
    pair.expectMirror();
    // A change inside each folder; one replica folder's mode also changed behind our back; a new folder.
    fs.writeFileSync(path.join(pair.source, 'keep/a.txt'), 'A!');
    fs.writeFileSync(path.join(pair.source, 'drift/b.txt'), 'B!');
    fs.chmodSync(path.join(pair.replica, 'drift'), 0o700);
    writeTree(pair.source, { 'new/c.txt': 'c' });
    fs.chmodSync(path.join(pair.source, 'new'), 0o705);
    await pair.sync();
    pair.expectMirror();
    expect(fs.statSync(path.join(pair.replica, 'new')).mode & 0o7777).toBe(0o705);
    expect(fs.statSync(path.join(pair.replica, 'drift')).mode & 0o7777).toBe(0o751);
  });

  it('a file replaced by another of the same size and mtime is noticed', async () => {
    pair = makePair();
    writeTree(pair.source, { 'f.txt': 'AAAA', 'other.txt': 'BBBB' });
    setMtime(path.join(pair.source, 'f.txt'), 1_700_000_000);
    await pair.sync();
    const replacement = path.join(pair.root, 'replacement');
    fs.writeFileSync(replacement, 'CCCC');
    setMtime(replacement, 1_700_000_000);
    fs.renameSync(replacement, path.join(pair.source, 'f.txt'));
    await pair.sync();
    expect(fs.readFileSync(path.join(pair.replica, 'f.txt'), 'utf8')).toBe('CCCC');
  });

  it('a file rewritten in place with its mtime restored is noticed (ctime)', async () => {
    pair = makePair();
    writeTree(pair.source, { 'f.txt': 'AAAA' });
    setMtime(path.join(pair.source, 'f.txt'), 1_700_000_000);
    await pair.sync();
    await new Promise((r) => setTimeout(r, 20));
    fs.writeFileSync(path.join(pair.source, 'f.txt'), 'ZZZZ');
    setMtime(path.join(pair.source, 'f.txt'), 1_700_000_000);
    await pair.sync();
    expect(fs.readFileSync(path.join(pair.replica, 'f.txt'), 'utf8')).toBe('ZZZZ');
  });

  it('a replica file edited behind our back at the same size is restored', async () => {
    pair = makePair();
    writeTree(pair.source, { 'f.txt': 'original' });
    await pair.sync();
    fs.writeFileSync(path.join(pair.replica, 'f.txt'), 'tampered');
    await pair.sync();
    expect(fs.readFileSync(path.join(pair.replica, 'f.txt'), 'utf8')).toBe('original');
  });

  it('--checksum finds a same-size, same-mtime difference without a record', async () => {
    pair = makePair();
    writeTree(pair.source, { 'f.txt': 'AAAA' });
    writeTree(pair.replica, { 'f.txt': 'BBBB' });
    setMtime(path.join(pair.source, 'f.txt'), 1_700_000_000);
    setMtime(path.join(pair.replica, 'f.txt'), 1_700_000_000);
    expect((await pair.sync({ dryRun: true })).summary.updated).toBe(0);
    const { summary } = await pair.sync({ checksum: true });
    expect(summary.updated).toBe(1);
    pair.expectMirror();
  });

  it('symlinks are copied as links, never followed, even dangling or pointing outside', async () => {
    pair = makePair();
    writeTree(pair.source, { 'target.txt': 't', 'in': { link: 'target.txt' }, 'out': { link: '/etc/passwd' }, 'dangling': { link: 'nowhere' }, 'dirlink': { link: '..' } });
    await pair.sync();
    pair.expectMirror();
    fs.rmSync(path.join(pair.source, 'in'));
    fs.symlinkSync('other', path.join(pair.source, 'in'));
    const { ops } = await pair.sync();
    expect(ops).toEqual(['symlink in']);
    pair.expectMirror();
  });

  it('file ⇄ folder and file ⇄ symlink type changes', async () => {
    pair = makePair();
    writeTree(pair.source, { 'x': 'file', 'y/inner.txt': 'inner', 'z': 'zz' });
    await pair.sync();
    fs.rmSync(path.join(pair.source, 'x'));
    writeTree(pair.source, { 'x/now-a-dir.txt': 'd' });
    fs.rmSync(path.join(pair.source, 'y'), { recursive: true });
    fs.writeFileSync(path.join(pair.source, 'y'), 'now a file');
    fs.rmSync(path.join(pair.source, 'z'));
    fs.symlinkSync('x', path.join(pair.source, 'z'));
    await pair.sync();
    pair.expectMirror();
  });

  it('FIFOs are skipped with a warning and never opened', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    execFileSync('mkfifo', [path.join(pair.source, 'pipe')]);
    const { summary, ops } = await pair.sync();
    expect(summary).toMatchObject({ status: 'ok', skipped: 1, copied: 1 });
    expect(ops).toContain('skip pipe');
    expect(fs.existsSync(path.join(pair.replica, 'pipe'))).toBe(false);
  });

  it('excluded paths are left alone on both sides', async () => {
    pair = makePair();
    writeTree(pair.source, { 'keep.txt': 'k', 'skip.tmp': 's', 'cache/x': 'c', 'deep/cache/y': 'c' });
    writeTree(pair.replica, { 'mine.tmp': 'replica-only' });
    await pair.sync({ excludes: ['*.tmp', 'cache'] });
    expect(describeTree(pair.replica)).toEqual({
      'deep': { kind: 'dir' },
      'keep.txt': describeTree(pair.source)['keep.txt'],
      'mine.tmp': describeTree(pair.replica)['mine.tmp'],
    });
  });
});

describe('rule 7: a run in which nothing changed reads no contents and rewrites nothing', () => {
  it('opens no file, touches no replica entry and leaves the record file alone', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'sub/b.txt': 'B', 'sub/empty/': '', 'l': { link: 'a.txt' } });
    await pair.sync();
    await pair.sync();
    const before = ctimes(pair.replica);
    const recordFile = recordFileFor(pair.state, pair.source, pair.replica);
    const recordBefore = fs.statSync(recordFile).mtimeMs;
    const open = vi.spyOn(fs.promises, 'open');
    const copy = vi.spyOn(fs.promises, 'copyFile');
    try {
      const { ops } = await pair.sync();
      expect(ops).toEqual([]);
      expect(open).not.toHaveBeenCalled();
      expect(copy).not.toHaveBeenCalled();
    } finally {
      open.mockRestore();
      copy.mockRestore();
    }
    expect(ctimes(pair.replica)).toEqual(before);
    expect(fs.statSync(recordFile).mtimeMs).toBe(recordBefore);
  });
});

describe('renames', () => {
  it('a swap of two files ends correct without copying', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a': 'content of a', 'b': 'content of b!' });
    await pair.sync();
    fs.renameSync(path.join(pair.source, 'a'), path.join(pair.source, 't'));
    fs.renameSync(path.join(pair.source, 'b'), path.join(pair.source, 'a'));
    fs.renameSync(path.join(pair.source, 't'), path.join(pair.source, 'b'));
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ moved: 2, copied: 0, updated: 0 });
    pair.expectMirror();
  });

  it('a cycle of three and a chain end correct', async () => {
    pair = makePair();
    writeTree(pair.source, { 'c1': '1', 'c2': '22', 'c3': '333', 'k1': 'k1', 'k2': 'kk2' });
    await pair.sync();
    const mv = (a: string, b: string): void => fs.renameSync(path.join(pair.source, a), path.join(pair.source, b));
    mv('c1', 'tmp'); mv('c3', 'c1'); mv('c2', 'c3'); mv('tmp', 'c2');
    mv('k2', 'k3'); mv('k1', 'k2');
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ moved: 5, copied: 0, updated: 0 });
    pair.expectMirror();
  });

  it('a folder rename is one move', async () => {
    pair = makePair();
    writeTree(pair.source, { 'photos/2024/a.jpg': 'a', 'photos/2024/b.jpg': 'b', 'photos/2025/c.jpg': 'c' });
    await pair.sync();
    fs.renameSync(path.join(pair.source, 'photos'), path.join(pair.source, 'pictures'));
    const { ops, summary } = await pair.sync();
    expect(ops).toEqual(['move photos -> pictures']);
    expect(summary.bytesCopied).toBe(0);
    pair.expectMirror();
  });

  it('without a record, a rename is found by content hash', async () => {
    pair = makePair();
    writeTree(pair.source, { 'big.bin': 'x'.repeat(10_000) });
    await pair.sync();
    fs.rmSync(pair.state, { recursive: true });
    fs.renameSync(path.join(pair.source, 'big.bin'), path.join(pair.source, 'moved.bin'));
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ moved: 1, copied: 0 });
    pair.expectMirror();
  });

  it('duplicate contents: both copies end correct', async () => {
    pair = makePair();
    writeTree(pair.source, { 'one': 'same', 'two': 'same' });
    await pair.sync();
    fs.renameSync(path.join(pair.source, 'one'), path.join(pair.source, 'three'));
    writeTree(pair.source, { 'four': 'same' });
    await pair.sync();
    pair.expectMirror();
  });

  it('a hard link in the source is not mistaken for a rename', async () => {
    pair = makePair();
    writeTree(pair.source, { 'orig': 'linked' });
    await pair.sync();
    fs.linkSync(path.join(pair.source, 'orig'), path.join(pair.source, 'link'));
    await pair.sync();
    pair.expectMirror();
  });
});

describe('the record', () => {
  it('a corrupt record is set aside, rebuilt and not trusted', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    await pair.sync();
    const recordFile = recordFileFor(pair.state, pair.source, pair.replica);
    fs.writeFileSync(recordFile, '{"format":"folder-sync-record", broken');
    const { events } = await pair.sync();
    expect(events.some((e) => e.type === 'warning' && e.message.includes('moved to'))).toBe(true);
    expect(fs.readdirSync(pair.state).some((n) => n.includes('.corrupt-'))).toBe(true);
    const rebuilt = loadRecord(recordFile, pair.source, pair.replica);
    expect(rebuilt.existed && rebuilt.warning === undefined).toBe(true);
    pair.expectMirror();
  });

  it('a record naming ../ or absolute paths never causes a write or delete outside the replica', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    const outside = path.join(pair.root, 'outside.txt');
    fs.writeFileSync(outside, 'precious');
    await pair.sync();
    const recordFile = recordFileFor(pair.state, pair.source, pair.replica);
    editRecordPaths(recordFile, pair.source, pair.replica, (paths) => (paths[0] = '../outside.txt'));
    fs.rmSync(path.join(pair.source, 'a.txt'));
    writeTree(pair.source, { 'b.txt': 'B' });
    await pair.sync();
    expect(fs.readFileSync(outside, 'utf8')).toBe('precious');
    pair.expectMirror();
  });
});

describe('configuration mistakes (exit code 2 on the CLI)', () => {
  it.each([
    ['missing source', (p: Pair) => ({ source: path.join(p.root, 'nope'), replica: p.replica }), 'does not exist'],
    ['same folder', (p: Pair) => ({ source: p.source, replica: `${p.source}/` }), 'same folder'],
    ['replica inside source', (p: Pair) => ({ source: p.source, replica: path.join(p.source, 'inner') }), 'inside the source'],
    ['source inside replica', (p: Pair) => ({ source: p.source, replica: p.root }), 'inside the replica'],
    ['replica is a file', (p: Pair) => (fs.writeFileSync(path.join(p.root, 'file'), ''), { source: p.source, replica: path.join(p.root, 'file') }), 'is a file'],
    ['replica parent missing', (p: Pair) => ({ source: p.source, replica: path.join(p.root, 'no/such/replica') }), 'parent folder'],
  ])('%s', async (_name, make, message) => {
    pair = makePair();
    const options = make(pair);
    await expect(validatePair(options)).rejects.toThrow(ConfigError);
    await expect(validatePair(options)).rejects.toThrow(message);
  });

  it('a symlink to the source as replica is the same folder', async () => {
    pair = makePair();
    fs.symlinkSync(pair.source, path.join(pair.root, 'alias'));
    await expect(validatePair({ source: pair.source, replica: path.join(pair.root, 'alias') })).rejects.toThrow('same folder');
  });
});

describe('safety', () => {
  it('--max-delete refuses before deleting anything', async () => {
    pair = makePair();
    writeTree(pair.source, { a: '1', b: '2', c: '3', d: '4' });
    await pair.sync();
    for (const n of ['a', 'b', 'c']) fs.rmSync(path.join(pair.source, n));
    const { summary } = await pair.sync({ maxDelete: { count: 2 } });
    expect(summary.refusal?.reason).toBe('max-delete');
    expect(fs.readdirSync(pair.replica).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect((await pair.sync({ maxDelete: { percent: 75 } })).summary.deleted).toBe(3);
  });

  it('counts overwrites against the limit only when asked (the app does; --max-delete, like rsync, does not)', async () => {
    pair = makePair();
    writeTree(pair.source, { a: '1', b: '2', c: '3', d: '4' });
    await pair.sync();
    for (const n of ['a', 'b', 'c']) fs.writeFileSync(path.join(pair.source, n), `${n} is longer now`);
    const refused = (await pair.sync({ maxDelete: { count: 2 }, limitOverwrites: true })).summary;
    expect(refused.refusal).toEqual({ reason: 'max-delete', message: 'This run would delete or overwrite 3 entries in the replica, more than the limit of 2; nothing was changed.' });
    expect(fs.readFileSync(path.join(pair.replica, 'a'), 'utf8')).toBe('1');
    expect((await pair.sync({ maxDelete: { count: 2 } })).summary.updated).toBe(3);
    pair.expectMirror();
  });

  it('stopped part-way: the summary says so and counts what was left undone; the next run finishes it', async () => {
    pair = makePair();
    const files = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}.txt`, `${i}`]));
    writeTree(pair.source, files);
    const stop = new AbortController();
    const { summary } = await pair.sync({
      signal: stop.signal,
      onEvent: (e) => {
        if (e.type === 'op' && e.op === 'copy') stop.abort();
      },
    });
    expect(summary.aborted).toBe(true);
    expect(summary.copied).toBeGreaterThan(0);
    expect(summary.undone).toBe(50 - summary.copied);
    const next = (await pair.sync()).summary;
    expect(next).toMatchObject({ aborted: false, undone: 0, copied: 50 - summary.copied });
    pair.expectMirror();
  });

  it('dry run changes nothing and reports the plan', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A', 'd/': '' });
    writeTree(pair.replica, { 'old.txt': 'o' });
    const before = ctimes(pair.replica);
    const { summary } = await pair.sync({ dryRun: true });
    expect(summary.actions?.map((a) => `${a.type} ${a.path}`)).toEqual(['delete old.txt', 'mkdir d', 'copy a.txt']);
    expect(ctimes(pair.replica)).toEqual(before);
    expect(fs.existsSync(pair.state)).toBe(false);
  });

  it('leftover temp files from a killed run are removed', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    writeTree(pair.replica, { '.~folder-sync.abc123.tmp': 'partial', 'sub/.~folder-sync.def456.tmp': 'partial' });
    await pair.sync();
    writeTree(pair.source, { 'sub/': '' });
    await pair.sync();
    pair.expectMirror();
  });

  it('an unreadable source folder protects what the replica holds below it', async () => {
    if (process.getuid?.() === 0) {
      // Root reads everything; the permission suite runs these as an unprivileged user.
      return;
    }
    pair = makePair();
    writeTree(pair.source, { 'locked/a.txt': 'A', 'open.txt': 'o' });
    await pair.sync();
    fs.chmodSync(path.join(pair.source, 'locked'), 0o000);
    try {
      const { summary } = await pair.sync();
      expect(summary.status).toBe('partial');
      expect(fs.existsSync(path.join(pair.replica, 'locked/a.txt'))).toBe(true);
    } finally {
      fs.chmodSync(path.join(pair.source, 'locked'), 0o755);
    }
  });
});

describe('hashing only where a rename is possible', () => {
  it('a deleted file and a new one of the same size are not hashed: the record says the old contents are gone', async () => {
    pair = makePair();
    writeTree(pair.source, { 'old.txt': 'AAAA', 'keep.txt': 'KKKK' });
    await pair.sync();
    fs.rmSync(path.join(pair.source, 'old.txt'));
    writeTree(pair.source, { 'new.txt': 'BBBB' }); // ext4 hands it old.txt's inode number at once
    writeTree(pair.source, { 'other.txt': 'CCCC' });
    const open = vi.spyOn(fs.promises, 'open');
    try {
      const { summary } = await pair.sync();
      expect(summary).toMatchObject({ copied: 2, deleted: 1, moved: 0 });
      expect(open).not.toHaveBeenCalled();
    } finally {
      open.mockRestore();
    }
    pair.expectMirror();
  });
});
