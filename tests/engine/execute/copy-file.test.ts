/**
 * One file copy (copy-file.ts) on each file-access backend: holes stay holes (SEEK_DATA on the addon, all-zero
 * blocks left unwritten on /proc), and a file larger than the replica's free space is left out before a byte is
 * written. Real files; the free-space cases on a real tmpfs (root only).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { copyFileAtomicSync, type CopyJob } from '../../../main/engine/execute/copy-file.js';
import { Tree } from '../../../main/engine/fs/tree.js';
import { mountTmpfs, tmpfsSupportMissing, type Tmpfs } from '../../helpers/fault-mount.js';
import { imageSupportMissing, mountImage } from '../../helpers/fs-images.js';
import { tempDir } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';

const MiB = 1 << 20;
let root: string | undefined;
let drive: Tmpfs | undefined;
const trees: Tree[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) tree.close();
  drive?.dispose();
  drive = undefined;
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

function jobFor(source: string, rel: string): CopyJob {
  const st = fs.lstatSync(path.join(source, rel));
  return {
    rel, temp: `.~folder-sync.test-${rel}.tmp`, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, birthtimeMs: st.birthtimeMs,
    mode: st.mode & 0o7777, setMode: true, tolerance: 0.01, keepReplaced: false,
  };
}

function sha256(file: string): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(4 * MiB);
    for (let read; (read = fs.readSync(fd, buffer)) > 0; ) hash.update(buffer.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

/** A file of `size` bytes holding `data` at `at`, and holes everywhere else. */
function sparseFile(file: string, size: number, at: number, data: Buffer): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, data, 0, data.length, at);
  fs.ftruncateSync(fd, size);
  fs.closeSync(fd);
}

const allocated = (file: string): number => fs.statSync(file).blocks * 512;

describe.each(BACKENDS)('copyFileAtomicSync on the %s backend', (_name, ops) => {
  function open(dir: string): Tree {
    const tree = Tree.open(dir, ops);
    trees.push(tree);
    return tree;
  }

  it('keeps holes: a 256 MiB file holding 4 KiB of data takes a few KiB in the replica, its bytes equal', () => {
    root = tempDir('fs-holes-');
    const source = path.join(root, 'src');
    const replica = path.join(root, 'rep');
    fs.mkdirSync(source);
    fs.mkdirSync(replica);
    sparseFile(path.join(source, 'disk.img'), 256 * MiB, 100 * MiB, Buffer.alloc(4096, 'data'));
    expect(allocated(path.join(source, 'disk.img'))).toBeLessThanOrEqual(64 * 1024);
    const outcome = copyFileAtomicSync(jobFor(source, 'disk.img'), { source: open(source), replica: open(replica) });
    expect(outcome).toMatchObject({ ok: true });
    const copy = path.join(replica, 'disk.img');
    expect(fs.statSync(copy).size).toBe(256 * MiB);
    expect(allocated(copy)).toBeLessThanOrEqual(64 * 1024);
    expect(sha256(copy)).toBe(sha256(path.join(source, 'disk.img')));
  });

  describe.skipIf(tmpfsSupportMissing() !== undefined)('on a replica drive too small for the file (a tmpfs; needs root)', () => {
    it('leaves the file out before writing a byte, saying its size and the free space; the next file fits and is copied', () => {
      root = tempDir('fs-room-');
      const source = path.join(root, 'src');
      fs.mkdirSync(source);
      drive = mountTmpfs(path.join(root, 'drive'), '8m');
      fs.writeFileSync(path.join(source, 'big.bin'), Buffer.alloc(12 * MiB, 'big'));
      fs.writeFileSync(path.join(source, 'fits.bin'), Buffer.alloc(2 * MiB, 'fits'));
      const free = fs.statfsSync(drive.dir).bavail * fs.statfsSync(drive.dir).bsize;
      const trees = { source: open(source), replica: open(drive.dir) };
      const outcome = copyFileAtomicSync(jobFor(source, 'big.bin'), trees);
      expect(outcome).toEqual({ ok: false, noRoom: true, message: `not copied: it takes 12.0 MiB and the replica's drive has ${(free / MiB).toFixed(1)} MiB free` });
      expect(fs.readdirSync(drive.dir)).toEqual([]);
      expect(fs.statfsSync(drive.dir).bavail * fs.statfsSync(drive.dir).bsize).toBe(free);
      expect(copyFileAtomicSync(jobFor(source, 'fits.bin'), trees)).toMatchObject({ ok: true });
      expect(fs.readdirSync(drive.dir)).toEqual(['fits.bin']);
    });

    it('counts a sparse file by its data where the drive keeps holes: 256 MiB with 4 KiB of data fits in 8 MiB', () => {
      root = tempDir('fs-room-');
      const source = path.join(root, 'src');
      fs.mkdirSync(source);
      drive = mountTmpfs(path.join(root, 'drive'), '8m');
      sparseFile(path.join(source, 'disk.img'), 256 * MiB, 3 * MiB, Buffer.alloc(4096, 'data'));
      const outcome = copyFileAtomicSync(jobFor(source, 'disk.img'), { source: open(source), replica: open(drive.dir) });
      expect(outcome).toMatchObject({ ok: true });
      expect(allocated(path.join(drive.dir, 'disk.img'))).toBeLessThanOrEqual(64 * 1024);
    });
  });
});

describe.skipIf(imageSupportMissing('exfat') !== undefined)('on an exFAT drive (a loop-mounted image; needs root)', () => {
  it('counts a sparse file by its size, as exFAT allocates every byte: 256 MiB with 4 KiB of data is left out of 32 MiB', async () => {
    root = tempDir('fs-room-');
    const source = path.join(root, 'src');
    fs.mkdirSync(source);
    const image = await mountImage('exfat', 32);
    try {
      sparseFile(path.join(source, 'disk.img'), 256 * MiB, 3 * MiB, Buffer.alloc(4096, 'data'));
      const replica = Tree.open(image.dir);
      const sourceTree = Tree.open(source);
      trees.push(replica, sourceTree);
      const outcome = copyFileAtomicSync(jobFor(source, 'disk.img'), { source: sourceTree, replica });
      expect(outcome).toMatchObject({ ok: false, message: expect.stringMatching(/^not copied: it takes 256\.0 MiB and the replica's drive has \d+\.\d MiB free$/) });
      expect(fs.readdirSync(image.dir)).toEqual([]);
    } finally {
      for (const tree of trees.splice(0)) tree.close();
      await image.dispose();
    }
  });
});
