/**
 * The native scanner against the one it must agree with, scanTreePacked (scan/packed.ts): the same rows in the
 * same order with bit-identical numbers, the same problems, reserved names and unreadable folders, as root and
 * as `nobody`; plus what only it does: birth times, mount points, never walking through a symlink (a folder
 * swapped mid-scan), a bounded number of descriptors in deep trees, scans on libuv's pool.
 */
import { pathsText } from '../../helpers/paths-text.js';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { AtOps, NativeScan } from '../../../main/engine/fs/at.js';
import { findAddon } from '../../../main/engine/fs/native-addon.js';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';
import { scanTreePacked, type PackedScan } from '../../../main/engine/scan/packed.js';
import { BTIME, NUMBERS, SIXTH } from '../../../main/engine/snapshot/snapshot.js';
import { giveToNobody, unprivilegedSupportMissing } from '../../helpers/fault-perms.js';
import { tempDir } from '../../helpers/tree.js';
import { BACKENDS } from './backends.js';
import { buildScanFixture } from './scan-fixture.js';

const native = BACKENDS.find(([name]) => name === 'native')?.[1];
const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');

/** A scan with plain arrays: what JSON gives back from the child, and what toEqual compares readably. */
interface PlainScan extends Omit<PackedScan, 'paths' | 'numbers' | 'small'> {
  /** The joined paths as the byte string they spell. */
  readonly paths: string;
  readonly numbers: number[];
  readonly small: number[];
}

function plain(scan: PackedScan | NativeScan): PlainScan {
  return { ...scan, paths: pathsText(scan.paths), numbers: Array.from(scan.numbers), small: Array.from(scan.small) };
}

function birthColumn(scan: PlainScan): number[] {
  return scan.numbers.filter((_, i) => i % NUMBERS === BTIME);
}

/** Field for field, numbers with Object.is (toEqual on arrays does): what the JS scanner said, the native one says. */
function expectSameScan(js: PlainScan, nat: PlainScan): void {
  expect(nat.count).toBe(js.count);
  expect(nat.paths.split('\0')).toEqual(js.paths.split('\0'));
  expect(nat.numbers).toEqual(js.numbers);
  expect(nat.small).toEqual(js.small);
  expect(nat.targets).toEqual(js.targets);
  expect(nat.problems).toEqual(js.problems);
  expect(nat.unreadableDirs).toEqual(js.unreadableDirs);
  expect(nat.reserved).toEqual(js.reserved);
  expect(nat.mountPoints).toEqual(js.mountPoints);
}

function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function scratch(prefix: string): string {
  const dir = tempDir(prefix);
  cleanups.push(() => {
    spawnSync('chmod', ['-R', 'u+rwx', dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe.skipIf(native === undefined)('native scan', () => {
  const ops = native as AtOps;
  const scanSync = (dir: string, options: Parameters<NonNullable<AtOps['scanSync']>>[1] = { reservedPrefix: RESERVED_PREFIX }): NativeScan => {
    const fd = ops.openRoot(dir);
    try {
      return ops.scanSync!(fd, options);
    } finally {
      ops.close(fd);
    }
  };

  it('lists exactly what scanTreePacked lists, and each birth time as lstat gives it', async () => {
    const root = scratch('scan-native-');
    buildScanFixture(root);
    const fdsBefore = openFds();
    const nat = plain(scanSync(root));
    const js = plain(scanTreePacked(root));
    expect(js.count).toBeGreaterThan(1000);
    expect(js.reserved).toEqual([`${RESERVED_PREFIX}staging`, `d03/${RESERVED_PREFIX}tmp-1`]);
    expect(js.small.filter((_, i) => i % 2 === 0 && js.small[i] === 3)).toHaveLength(1); // the FIFO
    expectSameScan(js, nat);
    const paths = pathsText(nat.paths).split('\0');
    expect(birthColumn(nat)).toEqual(paths.map((rel) => fs.lstatSync(bytes(`${root}/${rel}`)).birthtimeMs));
    expect(birthColumn(nat).every((ms) => ms > 0)).toBe(true); // ext4 and tmpfs keep one

    const fd = ops.openRoot(root);
    const pending = ops.scanAsync!(fd, { reservedPrefix: RESERVED_PREFIX });
    ops.close(fd); // the scan holds its own descriptor of the root
    expect(plain(await pending)).toEqual(nat);
    expect(openFds()).toBe(fdsBefore);
  });

  it.skipIf(unprivilegedSupportMissing() !== undefined)('agrees as nobody too: unreadable and unsearchable folders, an unreadable root', () => {
    const base = scratch('scan-nobody-');
    const root = path.join(base, 'tree');
    const lockedRoot = path.join(base, 'locked-root');
    fs.mkdirSync(root);
    fs.mkdirSync(lockedRoot);
    buildScanFixture(root);
    for (const name of ['locked', 'noexec', 'nolist']) {
      fs.mkdirSync(`${root}/${name}/inner`, { recursive: true });
      fs.writeFileSync(`${root}/${name}/file`, 'x');
    }
    giveToNobody(base);
    fs.chmodSync(`${root}/locked`, 0o000);
    fs.chmodSync(`${root}/noexec`, 0o644);
    fs.chmodSync(`${root}/nolist`, 0o311);
    const script = path.resolve('tests/helpers/scan-both.mjs');
    expect(fs.existsSync(path.resolve('dist/main/engine/fs/at.js')), 'run "npm run build" first (npm test does)').toBe(true);
    const child = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, script, root, lockedRoot], {
      encoding: 'utf8',
      env: { ...process.env, FOLDER_SYNC_NATIVE: '1' },
    });
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as { backend: string; js: PlainScan; native: PlainScan; lockedJs: string; lockedNative: string };
    expect(out.backend).toBe('native');
    expectSameScan(out.js, out.native);
    expect(out.native.unreadableDirs).toEqual(['locked', 'nolist']);
    expect(out.native.problems).toEqual([
      { path: 'locked', message: 'cannot list folder (EACCES)' },
      { path: 'noexec/file', message: 'cannot read (EACCES)' },
      { path: 'noexec/inner', message: 'cannot read (EACCES)' },
      { path: 'nolist', message: 'cannot list folder (EACCES)' },
    ]);
    expect([out.lockedJs, out.lockedNative]).toEqual(['EACCES', 'EACCES']);
  });

  it('calls exclude with each path and whether it is a folder, and leaves out what it excludes', () => {
    const root = scratch('scan-exclude-');
    buildScanFixture(root);
    const excluded = (rel: string): boolean => rel.endsWith('/n2') || rel.endsWith('/f7') || rel === 'links';
    const calls: Array<[string, boolean]> = [];
    const nat = plain(
      scanSync(root, {
        reservedPrefix: RESERVED_PREFIX,
        exclude: (rel, isDir) => {
          calls.push([rel, isDir]);
          return excluded(rel);
        },
      }),
    );
    expectSameScan(plain(scanTreePacked(root, { exclude: (rel) => excluded(rel) })), nat);
    expect(pathsText(nat.paths).split('\0').some((rel) => rel.includes('n2') || rel.startsWith('links'))).toBe(false);
    for (const [rel, isDir] of calls) expect(isDir, rel).toBe(fs.lstatSync(bytes(`${root}/${rel}`)).isDirectory());
    expect(calls.some(([, isDir]) => isDir)).toBe(true);

    // An exclude that throws ends the scan with its error, every descriptor closed.
    const fdsBefore = openFds();
    expect(() => scanSync(root, { reservedPrefix: RESERVED_PREFIX, exclude: (rel) => { if (rel.includes('n3')) throw new Error('refused'); return false; } })).toThrow('refused');
    expect(openFds()).toBe(fdsBefore);
  });

  it.skipIf(process.getuid?.() !== 0)('with sameDevice, makes a row for a mount point and lists it, but does not walk into it', () => {
    const root = scratch('scan-mount-');
    fs.mkdirSync(`${root}/mnt`);
    fs.writeFileSync(`${root}/before`, '');
    const mounted = spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', `${root}/mnt`]);
    expect(mounted.status, String(mounted.stderr)).toBe(0);
    cleanups.push(() => spawnSync('umount', [`${root}/mnt`]));
    fs.mkdirSync(`${root}/mnt/inside`);
    fs.writeFileSync(`${root}/mnt/inside/file`, 'on tmpfs');
    const walled = plain(scanSync(root, { reservedPrefix: RESERVED_PREFIX, sameDevice: true }));
    expect(pathsText(walled.paths).split('\0')).toEqual(['before', 'mnt']);
    expect(walled.mountPoints).toEqual(['mnt']);
    expect(walled.numbers[1 * NUMBERS + SIXTH]).toBe(fs.statSync(`${root}/mnt`).dev);
    expect(walled.numbers[1 * NUMBERS + BTIME]).toBe(fs.statSync(`${root}/mnt`).birthtimeMs);
    const open = plain(scanSync(root));
    expect(pathsText(open.paths).split('\0')).toEqual(['before', 'mnt', 'mnt/inside', 'mnt/inside/file']);
    expect(open.mountPoints).toEqual([]);
    expectSameScan(plain(scanTreePacked(root)), open);
  });

  it('never lists what is outside, however often a folder is swapped for a symlink to it', async () => {
    const root = scratch('scan-swap-');
    const outside = scratch('scan-swap-outside-');
    fs.mkdirSync(`${outside}/OUTSIDE-DIR`);
    fs.writeFileSync(`${outside}/OUTSIDE-FILE`, '');
    fs.mkdirSync(`${root}/swap/inner`, { recursive: true });
    for (let i = 0; i < 200; i += 1) fs.writeFileSync(`${root}/swap/inner/f${i}`, '');
    // Before the scan: a plain symlink, which is a row of its own and never walked.
    fs.renameSync(`${root}/swap`, `${root}/kept`);
    fs.symlinkSync(outside, `${root}/swap`);
    const before = plain(scanSync(root));
    expect(pathsText(before.paths).split('\0').filter((rel) => !rel.startsWith('kept'))).toEqual(['swap']);
    expect(before.targets).toEqual([[pathsText(before.paths).split('\0').indexOf('swap'), outside]]);
    fs.unlinkSync(`${root}/swap`);
    fs.renameSync(`${root}/kept`, `${root}/swap`);

    // During the scans: another process swaps the folder for the link and back, as fast as it can.
    const swapper = spawn(process.execPath, ['-e', `
      const fs = require('node:fs');
      const [root, outside] = process.argv.slice(1);
      for (;;) {
        fs.renameSync(root + '/swap', root + '/swap.away');
        fs.symlinkSync(outside, root + '/swap');
        fs.unlinkSync(root + '/swap');
        fs.renameSync(root + '/swap.away', root + '/swap');
      }`, root, outside], { stdio: 'ignore' });
    cleanups.push(() => swapper.kill('SIGKILL'));
    const messages = new Set<string>();
    for (let round = 0; round < 150; round += 1) {
      const scans = [plain(scanSync(root))];
      const fd = ops.openRoot(root);
      scans.push(plain(await ops.scanAsync!(fd, { reservedPrefix: RESERVED_PREFIX })));
      ops.close(fd);
      for (const scan of scans) {
        expect(pathsText(scan.paths).includes('OUTSIDE')).toBe(false);
        for (const problem of scan.problems) messages.add(problem.message);
      }
    }
    swapper.kill('SIGKILL');
    // Whatever the race made of it, a folder that had become a link was refused: ENOTDIR, ELOOP or gone; or a link
    // seen by statx was a folder again when its target was read (readlinkat's EINVAL): the entry is skipped this run.
    for (const message of messages) expect(message).toMatch(/^cannot (list folder|read) \((ENOTDIR|ELOOP|ENOENT|EINVAL)\)$/);
  });

  describe('a tree deeper than the descriptors it may hold', () => {
    const DEPTH = 300;
    /** d/d/d/...: each level also holds e/leaf, listed after d, so the walk comes back up to open each e. */
    function deepTree(root: string): string[] {
      const levels: string[] = [];
      let fd = ops.openRoot(root);
      let rel = '';
      for (let level = 0; level < DEPTH; level += 1) {
        ops.mkdirAt(fd, 'e', 0o755);
        const eFd = ops.openDirAt(fd, 'e');
        fs.closeSync(ops.openAt(eFd, 'leaf', fs.constants.O_CREAT | fs.constants.O_WRONLY));
        ops.close(eFd);
        ops.mkdirAt(fd, 'd', 0o755);
        const next = ops.openDirAt(fd, 'd');
        ops.close(fd);
        fd = next;
        rel = rel === '' ? 'd' : `${rel}/d`;
        levels.push(rel);
      }
      ops.close(fd);
      return levels;
    }

    it('walks it as scanTreePacked does, with never more than ~130 descriptors open', () => {
      const root = scratch('scan-deep-');
      deepTree(root);
      const baseline = openFds();
      let most = 0;
      const nat = plain(
        scanSync(root, {
          reservedPrefix: RESERVED_PREFIX,
          exclude: () => {
            most = Math.max(most, openFds() - baseline);
            return false;
          },
        }),
      );
      expectSameScan(plain(scanTreePacked(root)), nat);
      expect(nat.count).toBe(DEPTH * 3);
      expect(most).toBeGreaterThan(100);
      expect(most).toBeLessThanOrEqual(132);
      expect(openFds()).toBe(baseline);
    });

    it('reopening a folder it had to close, it notices the folder was replaced, and never follows a link put there', () => {
      const root = scratch('scan-deep-swap-');
      const outside = scratch('scan-deep-outside-');
      fs.mkdirSync(`${outside}/e/OUTSIDE`, { recursive: true });
      fs.mkdirSync(`${outside}/d`);
      const levels = deepTree(root);
      const fifth = `${root}/${levels[4]}`;
      for (const [replacement, codes] of [
        ['link', ['ENOTDIR', 'ELOOP']],
        ['folder', ['ESTALE']],
      ] as const) {
        let swapped = false;
        const scan = plain(
          scanSync(root, {
            reservedPrefix: RESERVED_PREFIX,
            // At the bottom of the walk, with the fifth level's descriptor long closed: swap it.
            exclude: (rel) => {
              if (!swapped && rel === `${levels[DEPTH - 2]}/e`) {
                swapped = true;
                fs.renameSync(fifth, `${fifth}.away`);
                if (replacement === 'link') fs.symlinkSync(outside, fifth);
                else fs.mkdirSync(`${fifth}/e`, { recursive: true });
              }
              return false;
            },
          }),
        );
        expect(swapped).toBe(true);
        expect(pathsText(scan.paths).includes('OUTSIDE')).toBe(false);
        // The fifth level's e and those of the closed levels below it are refused; the levels above are fine.
        const refused = scan.problems.filter((p) => p.path.endsWith('/e'));
        expect(refused.length).toBeGreaterThan(0);
        expect(refused.map((p) => p.path)).toContain(`${levels[4]}/e`);
        for (const problem of refused) expect(codes.map((code) => `cannot list folder (${code})`)).toContain(problem.message);
        expect(scan.unreadableDirs).toEqual(refused.map((p) => p.path));
        for (const level of levels.slice(0, 4)) expect(pathsText(scan.paths).split('\0')).toContain(`${level}/e/leaf`);
        fs.rmSync(fifth, { recursive: true });
        fs.renameSync(`${fifth}.away`, fifth);
      }
    });
  });

  it('fails as a whole on a descriptor that is not an open folder, closing what it opened', async () => {
    const root = scratch('scan-errors-');
    fs.writeFileSync(`${root}/file`, '');
    const fdsBefore = openFds();
    const rootFd = ops.openRoot(root);
    const fileFd = ops.openAt(rootFd, 'file', fs.constants.O_RDONLY);
    expect(() => ops.scanSync!(fileFd, { reservedPrefix: RESERVED_PREFIX })).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    await expect(ops.scanAsync!(fileFd, { reservedPrefix: RESERVED_PREFIX })).rejects.toMatchObject({ code: 'ENOTDIR' });
    ops.close(fileFd);
    ops.close(rootFd);
    expect(() => ops.scanSync!(rootFd, { reservedPrefix: RESERVED_PREFIX })).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(openFds()).toBe(fdsBefore);
  });

  it('runs two async scans side by side on the thread pool', async () => {
    const roots = [scratch('scan-async-a-'), scratch('scan-async-b-')];
    for (const root of roots) buildScanFixture(root);
    const fds = roots.map((root) => ops.openRoot(root));
    const scans = await Promise.all(fds.map((fd) => ops.scanAsync!(fd, { reservedPrefix: RESERVED_PREFIX })));
    for (const fd of fds) ops.close(fd);
    roots.forEach((root, i) => expectSameScan(plain(scanTreePacked(root)), plain(scans[i]!)));
  });

  it('keeps no memory resident beyond the result it hands over (columns grown and freed as mappings, not in a thread arena)', () => {
    // Long paths, so the NUL-joined paths column (copied into a JS string, then freed) is most of a scan's memory.
    const root = scratch('scan-memory-');
    const deep = path.join(root, ...Array.from({ length: 4 }, (_, i) => `${i}${'d'.repeat(200)}`));
    fs.mkdirSync(deep, { recursive: true });
    for (let i = 0; i < 8000; i += 1) fs.writeFileSync(path.join(deep, `f${String(i).padStart(5, '0')}-${'x'.repeat(100)}`), '');
    // A process of its own: the resident anonymous memory of this one (vitest's) says nothing about the scan.
    const child = `
      import fs from 'node:fs';
      import { createRequire } from 'node:module';
      const addon = createRequire(import.meta.url)(process.argv[1]);
      const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      const kept = [];
      const before = anon();
      for (let i = 0; i < 4; i += 1) {
        const fd = addon.openRoot(process.argv[2]);
        kept.push(await addon.scanAsync(fd, '', true));
        addon.close(fd);
      }
      const held = kept.reduce((sum, scan) => sum + scan.paths.length + scan.numbers.byteLength + scan.small.byteLength, 0);
      process.stdout.write(JSON.stringify({ grown: anon() - before, held, count: kept[0].count }));
    `;
    const addonFile = findAddon(path.dirname(fileURLToPath(import.meta.url)))!;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', child, addonFile, root], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const { grown, held, count } = JSON.parse(run.stdout) as { grown: number; held: number; count: number };
    expect(count).toBe(8004);
    // Each scan's paths are built in C, copied into a JS string and freed: freed into malloc's arena of the pool
    // thread, they stayed resident (twice what the results hold, measured); unmapped, only the results remain.
    expect(grown).toBeLessThan(held * 1.25 + 4 * 1024 * 1024);
  });

  it("gives scanSync's columns in buffers another thread can take over (a scan worker transfers them)", () => {
    const root = scratch('scan-transfer-');
    buildScanFixture(root);
    const scan = scanSync(root);
    const expected = plain(scan);
    const { port1, port2 } = new MessageChannel();
    try {
      // A transferred buffer is detached here; one Node refuses to transfer (an external one) is silently copied.
      port1.postMessage([scan.numbers, scan.small], [scan.numbers.buffer as ArrayBuffer, scan.small.buffer as ArrayBuffer]);
      const received = receiveMessageOnPort(port2)?.message as [Float64Array, Uint32Array];
      expect([scan.numbers.buffer.byteLength, scan.small.buffer.byteLength]).toEqual([0, 0]);
      expect([Array.from(received[0]), Array.from(received[1])]).toEqual([expected.numbers, expected.small]);
    } finally {
      port1.close();
    }
  });
});
