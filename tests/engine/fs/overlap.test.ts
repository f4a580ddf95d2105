/**
 * overlap.ts, the one check of whether two folders overlap (issue 19, 3): by device and inode of every place a
 * folder can be reached, so symlinks, `..` and bind mounts (made here for real, as root) all count.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isSameOrInside, overlapOf, reachablePaths } from '../../../main/engine/fs/overlap.js';
import { tempDir } from '../../helpers/tree.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function scratch(): string {
  const dir = fs.realpathSync(tempDir('overlap-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.mkdirSync(`${dir}/src/sub`, { recursive: true });
  fs.mkdirSync(`${dir}/rep`);
  return dir;
}

function bind(from: string, at: string): void {
  fs.mkdirSync(at, { recursive: true });
  const done = spawnSync('mount', ['--bind', from, at]);
  expect(done.status, String(done.stderr)).toBe(0);
  cleanups.push(() => spawnSync('umount', ['-l', at]));
}

describe('overlapOf: spellings', () => {
  it('tells the same folder, nested folders and unrelated ones apart, through symlinks and ..', () => {
    const dir = scratch();
    fs.symlinkSync(`${dir}/src`, `${dir}/link`);
    expect(overlapOf(`${dir}/rep`, `${dir}/src`)).toBeUndefined();
    expect(overlapOf(`${dir}/link`, `${dir}/src`)).toEqual({ kind: 'same' });
    expect(overlapOf(`${dir}/rep/../src/`, `${dir}/src`)).toEqual({ kind: 'same' });
    expect(overlapOf(`${dir}/link/sub`, `${dir}/src`)).toEqual({ kind: 'first-inside', at: `${dir}/src/sub` });
    expect(overlapOf(`${dir}/src`, `${dir}/link/sub/..`)).toEqual({ kind: 'same' });
    expect(overlapOf(dir, `${dir}/link`)).toEqual({ kind: 'second-inside', at: `${dir}/src` });
    // A replica still to be made is where its path would put it.
    expect(overlapOf(`${dir}/link/new/deeper`, `${dir}/src`)).toEqual({ kind: 'first-inside', at: `${dir}/src/new/deeper` });
    expect(overlapOf(`${dir}/rep/new`, `${dir}/src`)).toBeUndefined();
    expect(isSameOrInside(`${dir}/link/sub`, `${dir}/src`)).toBe(true);
    expect(isSameOrInside(`${dir}/src`, `${dir}/link/sub`)).toBe(false);
  });
});

describe.skipIf(process.getuid?.() !== 0)('overlapOf: bind mounts (needs root to mount)', () => {
  it('the replica bound inside the source is inside it, found where the bind mount shows it', () => {
    const dir = scratch();
    bind(`${dir}/rep`, `${dir}/src/rep`);
    expect(reachablePaths(`${dir}/rep`)).toEqual([`${dir}/rep`, `${dir}/src/rep`]);
    expect(overlapOf(`${dir}/rep`, `${dir}/src`)).toEqual({ kind: 'first-inside', at: `${dir}/src/rep` });
    expect(overlapOf(`${dir}/rep/not-yet`, `${dir}/src`)).toEqual({ kind: 'first-inside', at: `${dir}/src/rep/not-yet` });
  });

  it('a replica that is a bind mount of a source folder is inside the source', () => {
    const dir = scratch();
    bind(`${dir}/src/sub`, `${dir}/rep`);
    expect(overlapOf(`${dir}/rep`, `${dir}/src`)).toEqual({ kind: 'first-inside', at: `${dir}/src/sub` });
  });

  it('the source bound inside the replica, or shown there through a bound ancestor, is inside the replica', () => {
    const dir = scratch();
    bind(`${dir}/src`, `${dir}/rep/inner`);
    expect(overlapOf(`${dir}/rep`, `${dir}/src`)).toEqual({ kind: 'second-inside', at: `${dir}/rep/inner` });
    const other = scratch();
    bind(other, `${other}/rep/all`);
    expect(overlapOf(`${other}/rep`, `${other}/src`)).toEqual({ kind: 'second-inside', at: `${other}/rep/all/src` });
  });

  it('a bind mount of an unrelated folder overlaps nothing', () => {
    const dir = scratch();
    fs.mkdirSync(`${dir}/elsewhere`);
    bind(`${dir}/elsewhere`, `${dir}/rep/mnt`);
    bind(`${dir}/elsewhere`, `${dir}/src/mnt`);
    expect(overlapOf(`${dir}/rep`, `${dir}/src`)).toBeUndefined();
  });
});
