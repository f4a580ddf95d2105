/**
 * AtOps on real folders, against each backend: every operation's plain effect, Node's error codes, and the
 * guarantee that matters — a folder opened, then swapped for a symlink to somewhere else, is still the folder
 * every call acts in, and nothing is ever done through a symlink in the last component.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AtOps } from '../../../main/engine/fs/at.js';
import { describeTree, tempDir } from '../../helpers/tree.js';
import { BACKENDS } from './backends.js';

const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY, O_TRUNC, O_RDWR } = fs.constants;

/** The error `fn` throws, for a look at its code and shape. */
function thrown(fn: () => unknown): NodeJS.ErrnoException {
  try {
    fn();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected a throw');
}

function codeOf(fn: () => unknown): string | undefined {
  return thrown(fn).code;
}

/** Opens the FIFO's writing end once its reader waits (ENXIO before that), which lets the reader's open return. */
async function letGo(fifo: string): Promise<void> {
  for (;;) {
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** A byte-string path (latin1) as fs takes it. */
const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');

describe.each(BACKENDS)('AtOps, %s backend', (backend, ops: AtOps) => {
  let root: string;
  let outside: string;
  const open: number[] = [];
  const keep = (fd: number): number => {
    open.push(fd);
    return fd;
  };

  beforeEach(() => {
    root = tempDir('at-');
    outside = tempDir('at-decoy-');
  });
  afterEach(() => {
    for (const fd of open.splice(0)) fs.closeSync(fd);
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('reports its backend', () => {
    expect(ops.backend).toBe(backend);
    expect(ops.seekData === undefined).toBe(backend === 'proc');
    expect(ops.scanSync === undefined).toBe(backend === 'proc');
  });

  it('lists and stats by descriptor, with byte-string names and the numbers fs.Stats gives', () => {
    const names = ['a.txt', 'caf\xe9 \xff', 'sp ace\nnl', 'sub'];
    for (const name of names.slice(0, 3)) fs.writeFileSync(bytes(`${root}/${name}`), name);
    fs.mkdirSync(`${root}/sub`);
    const rootFd = keep(ops.openRoot(root));
    expect(ops.readDir(rootFd).sort()).toEqual(names);
    expect(ops.readDir(rootFd).sort()).toEqual(names); // a second listing sees everything again
    for (const name of names) {
      const stat = fs.lstatSync(bytes(`${root}/${name}`));
      expect(ops.statAt(rootFd, name)).toEqual({
        mode: stat.mode, size: stat.size, blocks: stat.blocks, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, birthtimeMs: stat.birthtimeMs,
        ino: stat.ino, dev: stat.dev, nlink: stat.nlink, uid: stat.uid, gid: stat.gid,
      });
    }
    expect(ops.statAt(rootFd, 'missing')).toBeUndefined();
    expect(ops.fstat(rootFd).ino).toBe(fs.statSync(root).ino);
    const subFd = keep(ops.openDirAt(rootFd, 'sub'));
    expect(ops.fstat(subFd).ino).toBe(fs.statSync(`${root}/sub`).ino);
    expect(ops.readDir(subFd)).toEqual([]);
  });

  it('openAt creates exclusively and never opens through a symlink', () => {
    const rootFd = keep(ops.openRoot(root));
    const fd = ops.openAt(rootFd, 'new', O_CREAT | O_EXCL | O_WRONLY, 0o640);
    fs.writeSync(fd, 'written');
    fs.closeSync(fd);
    expect(fs.readFileSync(`${root}/new`, 'utf8')).toBe('written');
    expect(fs.statSync(`${root}/new`).mode & 0o777).toBe(0o640 & ~process.umask());
    expect(codeOf(() => ops.openAt(rootFd, 'new', O_CREAT | O_EXCL | O_WRONLY))).toBe('EEXIST');

    // A planted symlink: exclusive creation fails, and nothing appears where it points.
    fs.symlinkSync(`${outside}/planted`, `${root}/trap`);
    expect(codeOf(() => ops.openAt(rootFd, 'trap', O_CREAT | O_EXCL | O_WRONLY, 0o600))).toBe('EEXIST');
    expect(fs.existsSync(`${outside}/planted`)).toBe(false);
    // Nor is an existing file behind a symlink opened, truncated or read.
    fs.writeFileSync(`${outside}/secret`, 'untouched');
    fs.symlinkSync(`${outside}/secret`, `${root}/to-secret`);
    expect(codeOf(() => ops.openAt(rootFd, 'to-secret', O_WRONLY | O_TRUNC))).toBe('ELOOP');
    expect(codeOf(() => ops.openAt(rootFd, 'to-secret', O_RDONLY))).toBe('ELOOP');
    expect(fs.readFileSync(`${outside}/secret`, 'utf8')).toBe('untouched');
  });

  it('makes, renames, links and removes entries', () => {
    const rootFd = keep(ops.openRoot(root));
    ops.mkdirAt(rootFd, 'dir', 0o750);
    expect(fs.statSync(`${root}/dir`).mode & 0o777).toBe(0o750 & ~process.umask());
    const dirFd = keep(ops.openDirAt(rootFd, 'dir'));
    fs.writeFileSync(`${root}/file`, 'content');
    ops.renameAt(rootFd, 'file', dirFd, 'moved \xe9');
    expect(fs.readFileSync(bytes(`${root}/dir/moved \xe9`), 'utf8')).toBe('content');
    ops.linkAt(dirFd, 'moved \xe9', rootFd, 'hard');
    expect(fs.statSync(`${root}/hard`).ino).toBe(fs.statSync(bytes(`${root}/dir/moved \xe9`)).ino);
    ops.symlinkAt('../target/\xff', rootFd, 'link');
    expect(fs.readlinkSync(`${root}/link`, { encoding: 'latin1' })).toBe('../target/\xff');
    expect(ops.readlinkAt(rootFd, 'link')).toBe('../target/\xff');
    ops.unlinkAt(rootFd, 'hard');
    ops.unlinkAt(dirFd, 'moved \xe9');
    ops.rmdirAt(rootFd, 'dir');
    expect(fs.readdirSync(root)).toEqual(['link']);
  });

  it('linkAt links a symlink itself, not what it points to', () => {
    fs.writeFileSync(`${outside}/target`, 'x');
    fs.symlinkSync(`${outside}/target`, `${root}/link`);
    const rootFd = keep(ops.openRoot(root));
    ops.linkAt(rootFd, 'link', rootFd, 'second');
    expect(fs.lstatSync(`${root}/second`).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(`${root}/second`).ino).toBe(fs.lstatSync(`${root}/link`).ino);
    expect(fs.statSync(`${outside}/target`).nlink).toBe(1);
  });

  it("throws Node's codes, shaped as Node's errors", () => {
    fs.mkdirSync(`${root}/full`);
    fs.writeFileSync(`${root}/full/f`, '');
    fs.writeFileSync(`${root}/file`, '');
    const rootFd = keep(ops.openRoot(root));
    const cases: Array<[() => unknown, () => unknown]> = [
      [() => ops.mkdirAt(rootFd, 'full', 0o755), () => fs.mkdirSync(`${root}/full`)],
      [() => ops.rmdirAt(rootFd, 'full'), () => fs.rmdirSync(`${root}/full`)],
      [() => ops.unlinkAt(rootFd, 'missing'), () => fs.unlinkSync(`${root}/missing`)],
      [() => ops.openDirAt(rootFd, 'file'), () => fs.opendirSync(`${root}/file`)],
      [() => ops.rmdirAt(rootFd, 'file'), () => fs.rmdirSync(`${root}/file`)],
      [() => ops.renameAt(rootFd, 'missing', rootFd, 'x'), () => fs.renameSync(`${root}/missing`, `${root}/x`)],
      [() => ops.openAt(rootFd, 'missing', O_RDONLY), () => fs.openSync(`${root}/missing`, O_RDONLY)],
      [() => ops.readlinkAt(rootFd, 'file'), () => fs.readlinkSync(`${root}/file`)],
      [() => ops.unlinkAt(rootFd, 'full'), () => fs.unlinkSync(`${root}/full`)],
    ];
    for (const [ours, node] of cases) {
      const error = thrown(ours);
      const expected = thrown(node).code!;
      expect(error.code).toBe(expected);
      expect(error.errno).toBe(-os.constants.errno[expected as keyof typeof os.constants.errno]);
      expect(error.syscall).toEqual(expect.any(String));
      expect(error.message.startsWith(`${expected}: `)).toBe(true);
      expect(error).toBeInstanceOf(Error);
    }
    expect(['ENOENT', 'EEXIST', 'ENOTEMPTY', 'ENOTDIR'].every((code) => cases.some(([ours]) => codeOf(ours) === code))).toBe(true);
  });

  it('refuses a name that is not one component, and a descriptor that is not open', () => {
    const rootFd = keep(ops.openRoot(root));
    fs.mkdirSync(`${root}/a`);
    // U+012F's low byte is '/': a char above U+00FF is no byte and is refused, never narrowed into one.
    for (const name of ['a/b', '/', '.', '..', 'nul\0x', '..\u012fescape', 'wide\u0100']) {
      expect(codeOf(() => ops.statAt(rootFd, name))).toBe('EINVAL');
      expect(codeOf(() => ops.mkdirAt(rootFd, name, 0o755))).toBe('EINVAL');
    }
    expect(codeOf(() => ops.openDirAt(rootFd, ''))).toBe('ENOENT');
    expect(codeOf(() => ops.symlinkAt('bad\0target', rootFd, 'l'))).toBe('EINVAL');
    expect(codeOf(() => ops.symlinkAt('wide\u0141', rootFd, 'l'))).toBe('EINVAL');
    expect(codeOf(() => ops.openRoot(`${root}\u012f..`))).toBe('EINVAL');
    const closed = ops.openRoot(root);
    ops.close(closed);
    expect(codeOf(() => ops.statAt(closed, 'a'))).toBe('EBADF');
    expect(codeOf(() => ops.mkdirAt(closed, 'b', 0o755))).toBe('EBADF');
    expect(codeOf(() => ops.readDir(closed))).toBe('EBADF');
    expect(codeOf(() => ops.close(closed))).toBe('EBADF');
    expect(fs.readdirSync(root)).toEqual(['a']);
  });

  it('chmodAt changes a file and refuses a symlink, whose target keeps its mode', () => {
    fs.writeFileSync(`${root}/file`, '');
    fs.writeFileSync(`${outside}/target`, '', { mode: 0o644 });
    fs.symlinkSync(`${outside}/target`, `${root}/link`);
    const rootFd = keep(ops.openRoot(root));
    ops.chmodAt(rootFd, 'file', 0o4711);
    expect(fs.statSync(`${root}/file`).mode & 0o7777).toBe(0o4711);
    expect(codeOf(() => ops.chmodAt(rootFd, 'link', 0o777))).toBe('ENOTSUP');
    expect(fs.statSync(`${outside}/target`).mode & 0o7777).toBe(0o644);
    expect(codeOf(() => ops.chmodAt(rootFd, 'missing', 0o777))).toBe('ENOENT');
    const fd = keep(ops.openAt(rootFd, 'file', O_RDONLY));
    ops.fchmod(fd, 0o600);
    expect(fs.statSync(`${root}/file`).mode & 0o7777).toBe(0o600);
  });

  it('sets times to within a microsecond, on a symlink the link itself', () => {
    fs.writeFileSync(`${root}/file`, '');
    fs.writeFileSync(`${outside}/target`, '');
    fs.symlinkSync(`${outside}/target`, `${root}/link`);
    const targetBefore = fs.statSync(`${outside}/target`).mtimeMs;
    const rootFd = keep(ops.openRoot(root));
    const fd = keep(ops.openAt(rootFd, 'file', O_RDWR));
    const reference = fs.lstatSync(root).mtimeMs; // a time with nanoseconds, as the kernel stamps them
    for (const ms of [1_700_000_000_123.45, 1_234_567_890_000, 1_600_000_000_000.99, 86_400_000.000_5, 0.5, -1_500.000_25, reference]) {
      ops.setTimesAt(rootFd, 'file', ms - 1000, ms);
      const stat = fs.lstatSync(`${root}/file`);
      expect(Math.abs(stat.mtimeMs - ms)).toBeLessThanOrEqual(0.001);
      expect(Math.abs(stat.atimeMs - (ms - 1000))).toBeLessThanOrEqual(0.001);
      // The addon keeps all the double holds: a time read from one file and set on another reads back the same.
      if (backend === 'native') expect(stat.mtimeMs).toBe(ms);
      ops.futimes(fd, ms, ms + 1);
      expect(Math.abs(fs.fstatSync(fd).mtimeMs - (ms + 1))).toBeLessThanOrEqual(0.001);
    }
    ops.setTimesAt(rootFd, 'link', 1e12, 1e12);
    expect(fs.lstatSync(`${root}/link`).mtimeMs).toBe(1e12);
    expect(fs.statSync(`${outside}/target`).mtimeMs).toBe(targetBefore);
  });

  it('unlinkAtAsync deletes a file, refuses a folder, and rejects with the codes unlinkAt throws', async () => {
    fs.writeFileSync(bytes(`${root}/caf\xe9`), 'x');
    fs.mkdirSync(`${root}/folder`);
    const rootFd = keep(ops.openRoot(root));
    await ops.unlinkAtAsync(rootFd, 'caf\xe9');
    expect(fs.readdirSync(root)).toEqual(['folder']);
    for (const [name, fd] of [['folder', rootFd], ['missing', rootFd], ['..', rootFd], ['x', 987_654]] as const) {
      const expected = codeOf(() => ops.unlinkAt(fd, name));
      await expect(ops.unlinkAtAsync(fd, name)).rejects.toMatchObject({ code: expected, syscall: expect.any(String) });
    }
    expect(fs.readdirSync(root)).toEqual(['folder']);
  });

  it('unlinkAtAsync deletes in the folder it was given, though that descriptor is closed and its number reused before the work runs', async () => {
    // libuv's pool held by FIFO opens waiting for a writer, so the deletion queued behind them runs only when they are let go.
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const fifos = Array.from({ length: poolSize }, (_, i) => path.join(outside, `fifo${i}`));
    for (const fifo of fifos) execFileSync('mkfifo', [fifo]);
    const blocked = fifos.map((fifo) => fs.promises.open(fifo, 'r'));
    await new Promise((resolve) => setTimeout(resolve, 100)); // each taken up by a pool thread
    fs.mkdirSync(`${root}/a`);
    fs.mkdirSync(`${root}/b`);
    fs.writeFileSync(`${root}/a/x`, 'a');
    fs.writeFileSync(`${root}/b/x`, 'b');
    const rootFd = keep(ops.openRoot(root));
    const aFd = ops.openDirAt(rootFd, 'a');
    const deleting = ops.unlinkAtAsync(aFd, 'x');
    fs.closeSync(aFd);
    // The lowest free number is the one just closed: b's descriptor now has a's old number.
    const bFd = keep(ops.openDirAt(rootFd, 'b'));
    expect(bFd).toBe(aFd);
    expect(fs.existsSync(`${root}/a/x`)).toBe(true); // the deletion has not run yet
    for (const fifo of fifos) await letGo(fifo);
    await Promise.all(blocked.map(async (handle) => (await handle).close()));
    await deleting;
    expect(fs.existsSync(`${root}/a/x`)).toBe(false);
    expect(fs.readFileSync(`${root}/b/x`, 'utf8')).toBe('b');
  });

  it('after its folder is swapped for a symlink, every call acts in the original folder', () => {
    fs.mkdirSync(`${root}/sub`);
    for (const dir of [`${root}/sub`, outside]) {
      for (const name of ['keep.txt', 'old.txt', 'gone.txt']) fs.writeFileSync(`${dir}/${name}`, dir);
      fs.mkdirSync(`${dir}/olddir`);
    }
    const rootFd = keep(ops.openRoot(root));
    const subFd = keep(ops.openDirAt(rootFd, 'sub'));
    fs.renameSync(`${root}/sub`, `${root}/sub.moved`);
    fs.symlinkSync(outside, `${root}/sub`);
    const decoy = describeTree(outside, { mtimes: true, modes: true });
    const decoyFolder = fs.statSync(outside).mtimeMs;

    fs.closeSync(ops.openAt(subFd, 'created', O_CREAT | O_EXCL | O_WRONLY));
    ops.mkdirAt(subFd, 'newdir', 0o755);
    ops.symlinkAt('somewhere', subFd, 'link');
    ops.renameAt(subFd, 'old.txt', subFd, 'renamed.txt');
    ops.linkAt(subFd, 'keep.txt', subFd, 'hard.txt');
    ops.chmodAt(subFd, 'keep.txt', 0o600);
    ops.setTimesAt(subFd, 'keep.txt', 1e12, 1e12);
    ops.unlinkAt(subFd, 'gone.txt');
    ops.rmdirAt(subFd, 'olddir');
    const moved = `${root}/sub.moved`;
    expect(ops.statAt(subFd, 'keep.txt')?.ino).toBe(fs.statSync(`${moved}/keep.txt`).ino);
    expect(ops.readlinkAt(subFd, 'link')).toBe('somewhere');
    expect(ops.readDir(subFd).sort()).toEqual(fs.readdirSync(moved).sort());
    expect(fs.readdirSync(moved).sort()).toEqual(['created', 'hard.txt', 'keep.txt', 'link', 'newdir', 'renamed.txt']);
    expect(fs.statSync(`${moved}/keep.txt`).mode & 0o777).toBe(0o600);
    expect(fs.statSync(`${moved}/keep.txt`).mtimeMs).toBe(1e12);

    expect(describeTree(outside, { mtimes: true, modes: true })).toEqual(decoy);
    expect(fs.statSync(outside).mtimeMs).toBe(decoyFolder);
    // And a fresh walk down refuses the link instead of following it.
    expect(['ENOTDIR', 'ELOOP']).toContain(codeOf(() => ops.openDirAt(rootFd, 'sub')));
  });

  it.skipIf(backend === 'proc')('seekData and seekHole find the data in a sparse file', () => {
    const MiB = 1024 * 1024;
    const rootFd = keep(ops.openRoot(root));
    const fd = keep(ops.openAt(rootFd, 'sparse', O_CREAT | O_RDWR, 0o644));
    fs.ftruncateSync(fd, 4 * MiB);
    fs.writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, MiB);
    fs.fsyncSync(fd);
    expect(ops.seekData!(fd, 0)).toBe(MiB);
    const holeAfter = ops.seekHole!(fd, MiB);
    expect(holeAfter).toBeGreaterThanOrEqual(MiB + 4096);
    expect(holeAfter).toBeLessThan(4 * MiB);
    expect(ops.seekData!(fd, holeAfter)).toBe(-1);
    expect(ops.seekHole!(fd, holeAfter)).toBe(holeAfter);
    expect(codeOf(() => ops.seekData!(fd, -1))).toBe('EINVAL');
  });
});

describe('the asar mapping and the file search', () => {
  it('finds the addon above a module, and in app.asar.unpacked for one inside app.asar', async () => {
    const { findAddon } = await import('../../../main/engine/fs/native-addon.js');
    const base = tempDir('at-find-');
    try {
      const unpacked = path.join(base, 'resources/app.asar.unpacked/native/build');
      fs.mkdirSync(unpacked, { recursive: true });
      fs.writeFileSync(path.join(unpacked, 'folder_sync.node'), '');
      expect(findAddon(path.join(base, 'resources/app.asar/dist/main/engine/fs'))).toBe(path.join(unpacked, 'folder_sync.node'));
      expect(findAddon(path.join(base, 'resources/app.asar.unpacked/dist/cli'))).toBe(path.join(unpacked, 'folder_sync.node'));
      expect(findAddon(path.join(base, 'elsewhere'))).toBeUndefined();
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
