/**
 * A scan that does not cross mounts stops at every mount point below its root: another device (a tmpfs) and a bind
 * mount of a folder of the same file system, which st_dev cannot tell apart (issue 19, 3). Each scanner: the
 * JavaScript walk on both AtOps backends, and the native scanner (statx's mount id), synchronous and on the pool.
 */
import { pathsText } from '../../helpers/paths-text.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';
import { walkTree } from '../../../main/engine/scan/walk.js';
import { BACKENDS } from '../fs/backends.js';
import { tempDir } from '../../helpers/tree.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function mount(args: string[], at: string): void {
  const done = spawnSync('mount', [...args, at]);
  expect(done.status, String(done.stderr)).toBe(0);
  cleanups.push(() => spawnSync('umount', ['-l', at]));
}

/** root: `a-file`, `bound` (bind mount of a sibling folder, same ext4), `plain/x`, `tmp` (a tmpfs), `with space` (bind). */
function mountedTree(): string {
  const base = tempDir('scan-mounts-');
  cleanups.push(() => fs.rmSync(base, { recursive: true, force: true }));
  const root = `${base}/root`;
  for (const dir of ['bound', 'plain', 'tmp', 'with space']) fs.mkdirSync(`${root}/${dir}`, { recursive: true });
  fs.writeFileSync(`${root}/a-file`, '');
  fs.writeFileSync(`${root}/plain/x`, '');
  fs.mkdirSync(`${base}/elsewhere/deep`, { recursive: true });
  fs.writeFileSync(`${base}/elsewhere/deep/precious`, 'not ours');
  mount(['--bind', `${base}/elsewhere`], `${root}/bound`);
  mount(['--bind', `${base}/elsewhere`], `${root}/with space`);
  mount(['-t', 'tmpfs', 'tmpfs'], `${root}/tmp`);
  fs.writeFileSync(`${root}/tmp/on-tmpfs`, '');
  return root;
}

const WALLED = { paths: ['a-file', 'bound', 'plain', 'tmp', 'with space', 'plain/x'], mountPoints: ['bound', 'tmp', 'with space'] };
const OPEN_PATHS = ['a-file', 'bound', 'plain', 'tmp', 'with space', 'bound/deep', 'bound/deep/precious', 'plain/x', 'tmp/on-tmpfs', 'with space/deep', 'with space/deep/precious'];

describe.skipIf(process.getuid?.() !== 0)('mount points in a scan (needs root to mount)', () => {
  it.each(BACKENDS)('the JavaScript walk on the %s backend stops at a tmpfs and at a bind mount of the same file system', (_name, ops) => {
    const root = mountedTree();
    const walk = (sameDevice: boolean): { paths: string[]; mountPoints: string[] } => {
      const fd = ops.openRoot(root);
      try {
        const paths: string[] = [];
        const report = walkTree(fd, { add: (prefix, name) => paths.push(prefix + name) }, { sameDevice }, ops);
        return { paths, mountPoints: report.mountPoints };
      } finally {
        ops.close(fd);
      }
    };
    expect(walk(true)).toEqual(WALLED);
    expect(walk(false)).toEqual({ paths: OPEN_PATHS, mountPoints: [] });
  });

  const native = BACKENDS.find(([name]) => name === 'native')?.[1];
  it.skipIf(native === undefined)('the native scanner does the same, synchronously and on the thread pool', async () => {
    const root = mountedTree();
    const ops = native!;
    const fd = ops.openRoot(root);
    try {
      const walled = ops.scanSync!(fd, { reservedPrefix: RESERVED_PREFIX, sameDevice: true });
      expect({ paths: pathsText(walled.paths).split('\0'), mountPoints: walled.mountPoints }).toEqual(WALLED);
      const pooled = await ops.scanAsync!(fd, { reservedPrefix: RESERVED_PREFIX, sameDevice: true });
      expect({ paths: pathsText(pooled.paths).split('\0'), mountPoints: pooled.mountPoints }).toEqual(WALLED);
      const open = ops.scanSync!(fd, { reservedPrefix: RESERVED_PREFIX, sameDevice: false });
      expect({ paths: pathsText(open.paths).split('\0'), mountPoints: open.mountPoints }).toEqual({ paths: OPEN_PATHS, mountPoints: [] });
    } finally {
      ops.close(fd);
    }
  });
});
