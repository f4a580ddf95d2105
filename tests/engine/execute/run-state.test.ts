/**
 * The one failure policy (execute/run-state.ts) under the phases that use it, on real folders and each file-access
 * backend: a failing entry is counted and reported with its path and errno and the run goes on; nothing below a
 * failed folder is tried; a replica that is full or read-only (real tmpfs drives) stops every later write with one
 * error; EIO and a streak of EPERM do the same; a source that changed is a skip; a read-only replica folder is
 * opened up once and the write retried.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolder } from '../../../main/engine/execute/folders.js';
import { ChangedDuringCopy, type RunState } from '../../../main/engine/execute/run-state.js';
import { FAILURES_LISTED, type Action } from '../../../main/engine/types.js';
import { mountTmpfs, tmpfsSupportMissing, type Tmpfs } from '../../helpers/fault-mount.js';
import { tempDir, writeTree } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';
import { makeFixture, type Fixture } from './run-fixture.js';

const mkdir = (p: string): Action => ({ type: 'mkdir', path: p });
const copy = (p: string): Action => ({ type: 'copy', path: p, size: 1 });
const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: refused`), { code });

/** Makes each folder under the policy, as the phase does; returns the ones made. */
async function makeFolders(state: RunState, paths: readonly string[]): Promise<string[]> {
  const made: string[] = [];
  for (const rel of paths) {
    await state.guard(mkdir(rel), async () => {
      await makeFolder(state, rel);
      made.push(rel);
    });
  }
  return made;
}

describe.each(BACKENDS)('the run state\'s failure policy, %s backend', (_name, ops) => {
  let fx: Fixture;
  let drive: Tmpfs | undefined;
  let driveRoot: string | undefined;
  afterEach(() => {
    fx.close();
    drive?.dispose();
    drive = undefined;
    if (driveRoot !== undefined) fs.rmSync(driveRoot, { recursive: true, force: true });
    driveRoot = undefined;
  });

  /** A fixture whose replica is a fresh tmpfs mounted with `options`. */
  function onTmpfs(size: string, inodes?: number): Fixture {
    driveRoot = tempDir('exec-drive-');
    drive = mountTmpfs(path.join(driveRoot, 'replica'), size);
    if (inodes !== undefined) execFileSync('mount', ['-o', `remount,nr_inodes=${inodes}`, drive.dir]);
    return makeFixture(ops, drive.dir);
  }

  it('counts one failure and reports it with its path and errno, then goes on with the next action', async () => {
    fx = makeFixture(ops);
    writeTree(fx.replica, { 'file.txt': 'a file, not a folder' });
    const paths = ['file.txt/sub', 'fine'];
    const state = fx.state(paths.map(mkdir));
    expect(await makeFolders(state, paths)).toEqual(['fine']);
    expect(state.counts).toMatchObject({ errors: 1, created: 1 });
    expect(state.failures).toEqual([{ path: 'file.txt/sub', message: expect.stringMatching(/^ENOTDIR/), code: 'ENOTDIR' }]);
    expect(fx.events).toContainEqual({ type: 'op', op: 'error', path: 'file.txt/sub', detail: state.failures[0]!.message });
    expect(state.fatal).toBeUndefined();
    expect(state.hasFailed('file.txt/sub')).toBe(true);
    expect([...state.notDone]).toEqual(['file.txt/sub']);
  });

  it('tries nothing below a folder whose own action failed, and says why', async () => {
    fx = makeFixture(ops);
    writeTree(fx.replica, { blocker: 'a file where the folder goes' });
    const paths = ['blocker', 'blocker/a', 'blocker/a/b', 'other'];
    const state = fx.state(paths.map(mkdir));
    const tried: string[] = [];
    for (const rel of paths) {
      await state.guard(mkdir(rel), async () => {
        tried.push(rel);
        await makeFolder(state, rel);
      });
    }
    expect(tried).toEqual(['blocker', 'other']);
    expect(state.failures.map((f) => [f.path, f.message])).toEqual([
      ['blocker', expect.stringMatching(/^EEXIST/)],
      ['blocker/a', 'not attempted: "blocker" failed'],
      ['blocker/a/b', 'not attempted: "blocker/a" failed'], // the nearest failed folder above it
    ]);
  });

  it.skipIf(tmpfsSupportMissing())('stops every later write when the replica is full (ENOSPC), with one error naming it', async () => {
    fx = onTmpfs('1m', 6);
    const paths = Array.from({ length: 12 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    const state = fx.state(paths.map(mkdir));
    const made = await makeFolders(state, paths);
    expect(made.length).toBeGreaterThan(0);
    expect(made.length).toBeLessThan(paths.length);
    const first = paths[made.length]!;
    expect(state.fatal).toBe(`the replica stopped taking writes (ENOSPC) at "${first}"; nothing more was written`);
    expect(state.counts.errors).toBe(1);
    expect(state.failures).toEqual([{ path: first, message: expect.stringMatching(/^ENOSPC/), code: 'ENOSPC' }]);
    expect(fs.readdirSync(fx.replica).sort()).toEqual(made);
    expect(state.stopped).toBe(true);
    // Nothing after it was tried; the record vouches for none of it.
    for (const rel of paths.slice(made.length)) expect(state.notDone.has(rel)).toBe(true);
  });

  it.skipIf(tmpfsSupportMissing())('stops every later write when the replica turned read-only (EROFS)', async () => {
    fx = onTmpfs('1m');
    execFileSync('mount', ['-o', 'remount,ro', fx.replica]);
    const state = fx.state([mkdir('a'), mkdir('b')]);
    const tried: string[] = [];
    for (const rel of ['a', 'b']) {
      await state.guard(mkdir(rel), async () => {
        tried.push(rel);
        await makeFolder(state, rel);
      });
    }
    expect(tried).toEqual(['a']);
    expect(state.fatal).toContain('(EROFS) at "a"');
    expect(state.counts.errors).toBe(1);
  });

  it('takes EIO as fatal too, and reports no further failure of writes already under way', async () => {
    fx = makeFixture(ops);
    const state = fx.state([copy('a'), copy('b'), copy('c')]);
    await state.guard(copy('a'), () => {
      throw errno('EIO');
    });
    expect(state.fatal).toContain('(EIO) at "a"');
    // A copy in flight when the drive died fails the same way: the one error already says it.
    state.fail('b', 'EIO: i/o error', 'EIO');
    let ran = false;
    await state.guard(copy('c'), () => {
      ran = true;
    });
    expect(ran).toBe(false);
    expect(state.counts.errors).toBe(1);
    expect(state.failures.map((f) => f.path)).toEqual(['a']);
  });

  it('stops after EPERM on every write in a row (a full fusefat drive), but not when a write succeeds between', async () => {
    fx = makeFixture(ops);
    const refuse = (): never => {
      throw errno('EPERM');
    };
    const interrupted = fx.state([]);
    for (let i = 0; i < 12; i += 1) {
      await interrupted.guard(copy(`f${i}`), refuse);
      if (i % 5 === 4) await interrupted.guard(copy(`ok${i}`), () => undefined);
    }
    expect(interrupted.fatal).toBeUndefined();
    expect(interrupted.counts.errors).toBe(12);

    const files = fx.state([]);
    for (let i = 0; i < 10; i += 1) await files.guard(copy(`f${i}`), refuse);
    expect(files.fatal).toBe('the replica refused every write (EPERM) 8 times in a row, the last at "f7"; nothing more was written');
    expect(files.counts.errors).toBe(8);

    const folders = fx.state([]);
    for (const dir of ['a', 'b', 'c', 'd', 'e']) await folders.guard(copy(`${dir}/x`), refuse);
    expect(folders.fatal).toContain('4 times in a row, the last at "d/x"');

    // EACCES is a per-entry refusal (an unreadable source file): never a streak.
    const denied = fx.state([]);
    for (let i = 0; i < 12; i += 1) await denied.guard(copy(`f${i}`), () => { throw errno('EACCES'); });
    expect(denied.fatal).toBeUndefined();
  });

  it('skips a source that changed while it was copied: no error, and the record does not vouch for it', async () => {
    fx = makeFixture(ops);
    const state = fx.state([copy('busy.log')]);
    await state.guard(copy('busy.log'), () => {
      throw new ChangedDuringCopy('changed while it was being copied');
    });
    expect(state.counts).toMatchObject({ skipped: 1, errors: 0 });
    expect(fx.ops('skip')).toEqual(['skip busy.log']);
    expect(state.notDone.has('busy.log')).toBe(true);
  });

  it('counts every failure but lists only the first ones', async () => {
    fx = makeFixture(ops);
    const state = fx.state([]);
    for (let i = 0; i < FAILURES_LISTED + 20; i += 1) await state.guard(copy(`f${i}`), () => { throw errno('ENAMETOOLONG'); });
    expect(state.counts.errors).toBe(FAILURES_LISTED + 20);
    expect(state.failures).toHaveLength(FAILURES_LISTED);
    expect(state.failures[0]).toEqual({ path: 'f0', message: 'ENAMETOOLONG: refused', code: 'ENAMETOOLONG' });
  });

  it('opens a read-only replica folder once and retries a write it refused, leaving its mode to be set back', async () => {
    fx = makeFixture(ops);
    fs.mkdirSync(path.join(fx.replica, 'ro'));
    fs.chmodSync(path.join(fx.replica, 'ro'), 0o555);
    const state = fx.state([]);
    let attempts = 0;
    // Root is never refused by a mode: the refusal a user would meet is given by the first attempt itself.
    const result = await state.inWritableParent('ro/new.txt', () => {
      attempts += 1;
      if (attempts === 1) throw errno('EACCES');
      return 'written';
    });
    expect(result).toBe('written');
    expect(attempts).toBe(2);
    expect(fs.lstatSync(path.join(fx.replica, 'ro')).mode & 0o777).toBe(0o755);
    expect(state.modeDirs.has('ro')).toBe(true);
    await expect(state.inWritableParent('ro/other.txt', () => Promise.reject(errno('EEXIST')))).rejects.toThrow('EEXIST');
  });
});
