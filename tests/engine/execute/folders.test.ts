/**
 * The folders phase (execute/folders.ts) called directly on real folders, on each file-access backend: a new
 * folder is made private (0o700) and left for the end to get its mode and mtime, one already there is taken as is,
 * something else in its place is a failure, and missing parents are made top down.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureParent, makeFolder } from '../../../main/engine/execute/folders.js';
import { writeTree } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';
import { makeFixture, type Fixture } from './run-fixture.js';

const modeOf = (file: string): number => fs.lstatSync(file).mode & 0o7777;

describe.each(BACKENDS)('the folders phase, %s backend', (_name, ops) => {
  let fx: Fixture;
  afterEach(() => fx.close());

  it('makes a new folder 0o700, counts it, and leaves its mode and mtime for the end', async () => {
    fx = makeFixture(ops);
    fs.mkdirSync(path.join(fx.source, 'docs'), { mode: 0o755 });
    const state = fx.state([{ type: 'mkdir', path: 'docs' }]);
    await state.guard({ type: 'mkdir', path: 'docs' }, () => makeFolder(state, 'docs'));
    expect(fs.lstatSync(path.join(fx.replica, 'docs')).isDirectory()).toBe(true);
    // Private until restamped: nobody can put anything in it meanwhile.
    expect(modeOf(path.join(fx.replica, 'docs'))).toBe(0o700);
    expect(state.counts).toMatchObject({ created: 1, errors: 0 });
    expect(state.modeDirs.has('docs')).toBe(true);
    expect(state.dirtyDirs.has('docs')).toBe(true);
    expect(state.dirtyDirs.has('')).toBe(true);
    expect(state.notDone.has('docs')).toBe(false);
    expect(fx.ops()).toEqual(['mkdir docs']);
  });

  it('takes a folder that is already there as made, without counting or restamping it', async () => {
    fx = makeFixture(ops);
    fs.mkdirSync(path.join(fx.replica, 'docs'), { mode: 0o750 });
    fs.chmodSync(path.join(fx.replica, 'docs'), 0o750);
    const state = fx.state([{ type: 'mkdir', path: 'docs' }]);
    await makeFolder(state, 'docs');
    expect(modeOf(path.join(fx.replica, 'docs'))).toBe(0o750);
    expect(state.counts.created).toBe(0);
    expect(state.modeDirs.size).toBe(0);
    expect(fx.ops()).toEqual([]);
  });

  it('fails where a file or a link stands at the folder\'s name, leaving it as it is', async () => {
    fx = makeFixture(ops);
    writeTree(fx.replica, { docs: 'a file', linked: { link: fx.source } });
    const actions = [
      { type: 'mkdir', path: 'docs' },
      { type: 'mkdir', path: 'linked' },
    ] as const;
    const state = fx.state(actions);
    for (const action of actions) await state.guard(action, () => makeFolder(state, action.path));
    expect(fs.readFileSync(path.join(fx.replica, 'docs'), 'utf8')).toBe('a file');
    expect(fs.lstatSync(path.join(fx.replica, 'linked')).isSymbolicLink()).toBe(true);
    expect(state.failures.map((f) => [f.path, f.code])).toEqual([
      ['docs', 'EEXIST'],
      ['linked', 'EEXIST'],
    ]);
    expect(state.counts.created).toBe(0);
  });

  it('makes the missing folders above a path, top down, each counted once', async () => {
    fx = makeFixture(ops);
    fs.mkdirSync(path.join(fx.replica, 'a'));
    const state = fx.state([]);
    await ensureParent(state, 'a/b/c/d/file.txt');
    expect(fs.lstatSync(path.join(fx.replica, 'a/b/c/d')).isDirectory()).toBe(true);
    expect(fx.ops()).toEqual(['mkdir a/b', 'mkdir a/b/c', 'mkdir a/b/c/d']);
    expect(state.counts.created).toBe(3);
    await ensureParent(state, 'a/b/c/d/other.txt');
    expect(state.counts.created).toBe(3);
  });
});
