/**
 * A small file copied through the addon's copyFileAsync (copy-native.ts, native/src/copy_js.c) keeps every rule of
 * copyFileAtomicSync: contents, mode and mtime (to under a microsecond); a source changed since the scan, swapped for a
 * link or for a FIFO is skipped, never written through or waited on; a link planted at the temp name is never
 * written through; a file with holes is handed back (the caller keeps them). Real files, the native backend only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CopyJob, CopyTrees } from '../../../main/engine/execute/copy-file.js';
import { copySmallNative } from '../../../main/engine/execute/copy-native.js';
import { nativeAtOps } from '../../../main/engine/fs/at-native.js';
import { Tree } from '../../../main/engine/fs/tree.js';
import { tempDir } from '../../helpers/tree.js';
import { addon } from '../fs/backends.js';

let root: string;
const opened: Tree[] = [];
afterEach(() => {
  for (const tree of opened.splice(0)) tree.close();
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
});

const TEMP = '.~folder-sync.test.tmp';

function jobFor(rel: string): CopyJob {
  const st = fs.lstatSync(path.join(root, 'src', rel));
  return {
    rel, temp: path.posix.join(path.posix.dirname(rel), TEMP), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs,
    ino: st.ino, birthtimeMs: st.birthtimeMs, mode: st.mode & 0o7777, setMode: true, tolerance: 0, keepReplaced: false,
  };
}

describe.skipIf(addon === undefined)('copySmallNative', () => {
  const ops = nativeAtOps(addon!);
  const copy = ops.copyFileAsync!;

  function setUp(): CopyTrees {
    root = tempDir('fs-native-copy-');
    fs.mkdirSync(path.join(root, 'src', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(root, 'rep', 'sub'), { recursive: true });
    const source = Tree.open(path.join(root, 'src'), ops);
    const replica = Tree.open(path.join(root, 'rep'), ops);
    opened.push(source, replica);
    return { source, replica };
  }

  const replicaNames = (): string[] => fs.readdirSync(path.join(root, 'rep', 'sub'));

  it('copies contents, mode and the mtime to under a microsecond, through a temp file that is gone after', async () => {
    const trees = setUp();
    const file = path.join(root, 'src', 'sub', 'a.txt');
    fs.writeFileSync(file, 'x'.repeat(5000));
    fs.chmodSync(file, 0o640);
    fs.utimesSync(file, 1_700_000_000.123456, 1_700_000_000.123456);
    const outcome = await copySmallNative(jobFor('sub/a.txt'), trees, copy);
    const copied = fs.statSync(path.join(root, 'rep', 'sub', 'a.txt'), { bigint: true });
    const original = fs.statSync(file, { bigint: true });
    expect(outcome).toEqual({ ok: true, mtimeMs: Number(copied.mtimeNs) / 1e6 });
    expect(fs.readFileSync(path.join(root, 'rep', 'sub', 'a.txt'), 'utf8')).toBe('x'.repeat(5000));
    expect(copied.mode & 0o7777n).toBe(0o640n);
    // A time in ms as a double holds ~0.24 us at today's dates: what every native stamp keeps (ops.c timespec_from_ms).
    expect(Number(copied.mtimeNs - original.mtimeNs)).toBeLessThan(1000);
    expect(Number(original.mtimeNs - copied.mtimeNs)).toBeLessThan(1000);
    expect(replicaNames()).toEqual(['a.txt']);
  });

  it('skips a source whose size or mtime changed since the scan, leaving nothing behind', async () => {
    const trees = setUp();
    const file = path.join(root, 'src', 'sub', 'a.txt');
    fs.writeFileSync(file, 'before');
    const job = jobFor('sub/a.txt');
    fs.writeFileSync(file, 'after, longer');
    expect(await copySmallNative(job, trees, copy)).toMatchObject({ ok: false, changed: true });
    fs.writeFileSync(file, 'before');
    fs.utimesSync(file, 1_000_000, 1_000_000);
    expect(await copySmallNative({ ...job, ino: fs.statSync(file).ino }, trees, copy)).toMatchObject({ ok: false, changed: true });
    expect(replicaNames()).toEqual([]);
  });

  it('never follows a source swapped for a link, nor waits on one swapped for a FIFO', async () => {
    const trees = setUp();
    const file = path.join(root, 'src', 'sub', 'a.txt');
    fs.writeFileSync(file, 'secret elsewhere');
    const job = jobFor('sub/a.txt');
    fs.renameSync(file, path.join(root, 'outside.txt'));
    fs.symlinkSync(path.join(root, 'outside.txt'), file);
    expect(await copySmallNative(job, trees, copy)).toMatchObject({ ok: false, changed: true, message: expect.stringMatching(/^vanished since the scan/) });
    fs.unlinkSync(file);
    expect(spawnSync('mkfifo', [file]).status).toBe(0);
    expect(await copySmallNative(job, trees, copy)).toEqual({ ok: false, code: 'EINVAL', message: 'no longer a regular file' });
    expect(replicaNames()).toEqual([]);
  });

  it('never writes through a link planted at the temp name: the copy fails and the link target is untouched', async () => {
    const trees = setUp();
    fs.writeFileSync(path.join(root, 'src', 'sub', 'a.txt'), 'contents');
    fs.writeFileSync(path.join(root, 'victim.txt'), 'untouched');
    fs.symlinkSync(path.join(root, 'victim.txt'), path.join(root, 'rep', 'sub', TEMP));
    const outcome = await copySmallNative(jobFor('sub/a.txt'), trees, copy);
    expect(outcome).toMatchObject({ ok: false, code: 'EEXIST' });
    expect(fs.readFileSync(path.join(root, 'victim.txt'), 'utf8')).toBe('untouched');
    expect(fs.existsSync(path.join(root, 'rep', 'sub', 'a.txt'))).toBe(false);
  });

  it('hands a file with holes back to the caller without writing anything', async () => {
    const trees = setUp();
    const fd = fs.openSync(path.join(root, 'src', 'sub', 'sparse.bin'), 'w');
    fs.writeSync(fd, 'data', 0);
    fs.ftruncateSync(fd, 512 * 1024);
    fs.closeSync(fd);
    expect(await copySmallNative(jobFor('sub/sparse.bin'), trees, copy)).toBeUndefined();
    expect(replicaNames()).toEqual([]);
  });
});
