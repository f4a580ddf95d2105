/**
 * The removals phase (execute/removals.ts) called directly on real folders, on each file-access backend: folders
 * go after their contents, an entry that is no longer of the planned kind is left alone, a folder that gained an
 * entry since the scan is not emptied, a link is removed and never followed, a mount point is never entered, and
 * what a killed run left behind goes first.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Deletion } from '../../../main/engine/execute/deletion-split.js';
import { deletionsOf, removeAlongside, removeInOrder, removeLeftovers } from '../../../main/engine/execute/removals.js';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';
import type { Action } from '../../../main/engine/types.js';
import { mountTmpfs, tmpfsSupportMissing, type Tmpfs } from '../../helpers/fault-mount.js';
import { describeTree, writeTree } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';
import { makeFixture, type Fixture } from './run-fixture.js';

const del = (p: string): Deletion => ({ type: 'delete', path: p });
const rmdir = (p: string): Deletion => ({ type: 'rmdir', path: p });

describe.each(BACKENDS)('the removals phase, %s backend', (_name, ops) => {
  let fx: Fixture;
  let mount: Tmpfs | undefined;
  afterEach(() => {
    mount?.dispose();
    mount = undefined;
    fx.close();
  });

  it('removes the files alongside the writes before any folder, so each folder goes after its contents', async () => {
    fx = makeFixture(ops);
    writeTree(fx.replica, { 'keep.txt': 'k', 'old/a.txt': 'a', 'old/sub/b.txt': 'b', 'old/sub/c': { link: 'b.txt' } });
    writeTree(fx.source, { 'keep.txt': 'k' });
    // In plan order: contents first, each folder right after its own contents.
    const actions: Action[] = [del('old/sub/b.txt'), del('old/sub/c'), rmdir('old/sub'), del('old/a.txt'), rmdir('old')];
    const state = fx.state(actions);
    const split = deletionsOf(state);
    expect(split.first).toEqual([]);
    await removeAlongside(state, split);
    expect(fs.readdirSync(fx.replica)).toEqual(['keep.txt']);
    expect(state.counts).toMatchObject({ deleted: 5, errors: 0 });
    expect(state.notDone.size).toBe(0);
    // The files several at once (in whatever order they finish), then the folders in plan order.
    const done = fx.ops();
    expect(done.slice(0, 3).sort()).toEqual(['delete old/a.txt', 'delete old/sub/b.txt', 'delete old/sub/c']);
    expect(done.slice(3)).toEqual(['rmdir old/sub', 'rmdir old']);
    expect([...state.dirtyDirs].sort()).toEqual(['', 'old', 'old/sub']);
  });

  it('removes a symlink itself, never what it points at', async () => {
    fx = makeFixture(ops);
    const outside = path.join(fx.root, 'outside');
    writeTree(outside, { 'precious.txt': 'p', 'dir/inner.txt': 'i' });
    writeTree(fx.replica, { 'to-file': { link: path.join(outside, 'precious.txt') }, 'to-dir': { link: path.join(outside, 'dir') } });
    const state = fx.state([del('to-file'), del('to-dir')]);
    await removeInOrder(state, [del('to-file'), del('to-dir')]);
    expect(fs.readdirSync(fx.replica)).toEqual([]);
    expect(describeTree(outside)).toMatchObject({ 'precious.txt': { kind: 'file' }, dir: { kind: 'dir' }, 'dir/inner.txt': { kind: 'file' } });
    expect(state.counts).toMatchObject({ deleted: 2, errors: 0 });
  });

  it('leaves alone what is no longer of the planned kind, or a folder that gained an entry, and goes on', async () => {
    fx = makeFixture(ops);
    // Planned while these were a file, a folder and an empty folder; since the scan each changed.
    writeTree(fx.replica, { 'was-file/new.txt': 'n', 'was-dir': 'now a file', 'was-empty/arrived.txt': 'a', 'plain.txt': 'p' });
    const actions = [del('was-file'), rmdir('was-dir'), rmdir('was-empty'), del('plain.txt')];
    const state = fx.state(actions);
    await removeInOrder(state, actions);
    expect(describeTree(fx.replica)).toMatchObject({
      'was-file/new.txt': { kind: 'file' },
      'was-dir': { kind: 'file' },
      'was-empty/arrived.txt': { kind: 'file' },
    });
    expect(fs.existsSync(path.join(fx.replica, 'plain.txt'))).toBe(false);
    expect(state.counts).toMatchObject({ deleted: 1, errors: 3 });
    expect(state.failures.map((f) => [f.path, f.code])).toEqual([
      ['was-file', undefined],
      ['was-dir', undefined],
      ['was-empty', 'ENOTEMPTY'],
    ]);
    expect(state.failures[0]!.message).toBe('expected a file here, found a folder; left alone');
    expect(state.fatal).toBeUndefined();
    expect([...state.notDone].sort()).toEqual(['was-dir', 'was-empty', 'was-file']);
  });

  it('takes an entry already gone as deleted without counting it', async () => {
    fx = makeFixture(ops);
    const state = fx.state([del('gone.txt')]);
    await removeInOrder(state, [del('gone.txt')]);
    expect(state.counts).toMatchObject({ deleted: 0, errors: 0 });
    expect(state.notDone.size).toBe(0);
  });

  it('moves deleted files into the trash, keeping their paths, one at a time in plan order', async () => {
    fx = makeFixture(ops);
    writeTree(fx.replica, { 'd/x.txt': 'x', 'y.txt': 'y' });
    const { dir: trashDir, trash } = fx.trash();
    const actions = [del('d/x.txt'), rmdir('d'), del('y.txt'), { type: 'copy', path: 'z.txt', size: 1 } as const];
    const state = fx.state(actions, { trash });
    const split = deletionsOf(state);
    expect(split).toEqual({ first: actions.slice(0, 3), files: [], folders: [] });
    await removeInOrder(state, split.first);
    expect(fs.readdirSync(fx.replica)).toEqual([]);
    expect(describeTree(path.join(trashDir, trash.folder))).toMatchObject({ 'd/x.txt': { kind: 'file' }, 'y.txt': { kind: 'file' } });
    expect(state.counts).toMatchObject({ deleted: 3, errors: 0 });
  });

  it.skipIf(tmpfsSupportMissing())('never enters a mount point: its rmdir fails, what is in it stays, the run goes on', async () => {
    fx = makeFixture(ops);
    writeTree(fx.replica, { 'after.txt': 'a' });
    mount = mountTmpfs(path.join(fx.replica, 'mnt'), '1m');
    writeTree(mount.dir, { 'theirs.txt': 't' });
    const actions = [rmdir('mnt'), del('after.txt')];
    const state = fx.state(actions);
    await removeInOrder(state, actions);
    expect(fs.readFileSync(path.join(mount.dir, 'theirs.txt'), 'utf8')).toBe('t');
    expect(state.failures).toEqual([{ path: 'mnt', message: expect.any(String), code: 'EBUSY' }]);
    expect(state.fatal).toBeUndefined();
    expect(fs.existsSync(path.join(fx.replica, 'after.txt'))).toBe(false);
  });

  it.skipIf(tmpfsSupportMissing()).each(['tmpfs', 'bind'])(
    'leaves a leftover folder holding a mount point (%s) alone, with a warning, and removes the other leftovers',
    (kind) => {
      fx = makeFixture(ops);
      const staging = `${RESERVED_PREFIX}staging`;
      const temp = `${RESERVED_PREFIX}abc.tmp`;
      writeTree(fx.replica, { [`${staging}/mine.txt`]: 'staged', [temp]: 'partial' });
      const at = path.join(fx.replica, staging, 'mnt');
      if (kind === 'tmpfs') mount = mountTmpfs(at, '1m');
      else {
        // A folder of the same file system bound there: st_dev cannot tell it from the replica's own folders.
        const elsewhere = path.join(fx.root, 'elsewhere');
        fs.mkdirSync(elsewhere);
        fs.mkdirSync(at);
        execFileSync('mount', ['--bind', elsewhere, at]);
        mount = { dir: at, dispose: () => execFileSync('umount', ['-l', at]) };
      }
      writeTree(mount.dir, { 'theirs.txt': 't' });
      expect(() => removeLeftovers(fx.replicaTree, [staging, temp], (e) => fx.events.push(e))).not.toThrow();
      expect(fs.readFileSync(path.join(mount.dir, 'theirs.txt'), 'utf8')).toBe('t');
      expect(fs.existsSync(path.join(fx.replica, temp))).toBe(false);
      expect(fx.ops()).toEqual([`cleanup ${temp}`]);
      expect(fx.events).toContainEqual({
        type: 'warning',
        message: `"${staging}", left by an earlier run, holds the mount point "${staging}/mnt"; left alone.`,
      });
    },
  );

  it('removes what a killed run left behind, folders with their contents, and says so', () => {
    fx = makeFixture(ops);
    const staging = `${RESERVED_PREFIX}staging`;
    const temp = `sub/${RESERVED_PREFIX}abc.tmp`;
    writeTree(fx.replica, { [`${staging}/x`]: 'x', [temp]: 'partial', 'sub/keep.txt': 'k' });
    removeLeftovers(fx.replicaTree, [staging, temp, `${RESERVED_PREFIX}probe-gone`], (e) => fx.events.push(e));
    expect(describeTree(fx.replica)).toEqual({ sub: { kind: 'dir' }, 'sub/keep.txt': expect.objectContaining({ kind: 'file' }) });
    expect(fx.ops()).toEqual([`cleanup ${staging}`, `cleanup ${temp}`]);
  });
});
