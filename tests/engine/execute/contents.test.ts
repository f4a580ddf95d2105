/**
 * The contents phase (execute/contents.ts) called directly on real folders, on each file-access backend: new and
 * changed files are written to a temp name and renamed into place (the old file is never written in place, nothing
 * partial ever carries the name), with the source's mode (minus set-uid/set-gid) and mtime; symlinks are made under
 * a temp name too; a source gone or changed since the scan is skipped (copied next run), a failed write is one counted failure, and
 * the others are copied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { writeContents } from '../../../main/engine/execute/contents.js';
import { createCopyPool } from '../../../main/engine/execute/copy-pool.js';
import { Progress } from '../../../main/engine/execute/progress.js';
import type { RunState } from '../../../main/engine/execute/run-state.js';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';
import type { Action } from '../../../main/engine/types.js';
import { describeTree, writeTree } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';
import { inodeOf, makeFixture, mtimeOf, setMtime, type Fixture } from './run-fixture.js';

/** The built copy worker (npm run build): from sources the pool copies in this thread. */
const DIST_WORKER = pathToFileURL(path.resolve('dist/main/engine/execute/copy-worker.js'));
const OLD = Date.UTC(2022, 2, 3, 4, 5, 6, 789);
const modeOf = (file: string): number => fs.lstatSync(file).mode & 0o7777;
const copy = (p: string, size: number): Action => ({ type: 'copy', path: p, size });
const update = (p: string, size: number): Action => ({ type: 'update', path: p, size });

/** Names with the reserved prefix anywhere under `root`: temp files left behind. */
function temps(root: string): string[] {
  return Object.keys(describeTree(root)).filter((rel) => path.basename(rel).startsWith(RESERVED_PREFIX));
}

describe.each(BACKENDS)('the contents phase, %s backend', (_name, ops) => {
  let fx: Fixture;
  afterEach(() => {
    fx.close();
  });

  /** The phase as runPhases calls it, with an in-thread copy pool over the fixture's trees. */
  async function write(state: RunState, actions: readonly Action[], worker?: URL): Promise<void> {
    const trash = state.input.trash;
    const trees = { source: fx.sourceTree, replica: fx.replicaTree, ...(trash ? { trash } : {}) };
    const progress = new Progress(state.input.actions, (event) => fx.events.push(event));
    const pool = worker === undefined ? createCopyPool(progress.copies, trees) : createCopyPool(progress.copies, trees, worker);
    try {
      await writeContents(state, actions, pool, progress, trees);
    } finally {
      await pool.close();
    }
  }

  it('copies a new file with its contents, its mode without set-uid and set-gid, and its mtime', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'bin/tool': '#!/bin/sh\necho hi\n' });
    fs.mkdirSync(path.join(fx.replica, 'bin'));
    fs.chmodSync(path.join(fx.source, 'bin/tool'), 0o6755);
    setMtime(path.join(fx.source, 'bin/tool'), OLD);
    const actions = [copy('bin/tool', 18)];
    const state = fx.state(actions);
    await write(state, actions);
    const copied = path.join(fx.replica, 'bin/tool');
    expect(fs.readFileSync(copied, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(modeOf(copied)).toBe(0o755);
    expect(mtimeOf(copied)).toBeCloseTo(OLD, 2);
    expect(state.counts).toMatchObject({ copied: 1, updated: 0, bytesCopied: 18, errors: 0 });
    expect(state.after.get('bin/tool')).toEqual({ kind: 'file', mtimeMs: mtimeOf(copied) });
    expect(state.notDone.size).toBe(0);
    expect(state.dirtyDirs.has('bin')).toBe(true);
    expect(fx.ops()).toEqual(['copy bin/tool']);
    expect(temps(fx.replica)).toEqual([]);
  });

  it('updates a file through a temp file and one rename: the old file is never written in place', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'doc.txt': 'the new and longer version' });
    writeTree(fx.replica, { 'doc.txt': 'old version' });
    const target = path.join(fx.replica, 'doc.txt');
    const oldIno = inodeOf(target);
    // A reader that opened the old file before the update still reads all of the old file, and only it.
    const reader = fs.openSync(target, 'r');
    try {
      const actions = [update('doc.txt', 26)];
      const state = fx.state(actions);
      await write(state, actions);
      expect(fs.readFileSync(reader, 'utf8')).toBe('old version');
      expect(state.counts).toMatchObject({ updated: 1, copied: 0, errors: 0 });
    } finally {
      fs.closeSync(reader);
    }
    expect(fs.readFileSync(target, 'utf8')).toBe('the new and longer version');
    expect(inodeOf(target)).not.toBe(oldIno);
    expect(temps(fx.replica)).toEqual([]);
  });

  it('keeps the file an update replaces in the trash when a trash is given', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'a/doc.txt': 'version 2' });
    writeTree(fx.replica, { 'a/doc.txt': 'version 1' });
    const { dir: trashDir, trash } = fx.trash();
    const actions = [update('a/doc.txt', 9)];
    const state = fx.state(actions, { trash });
    await write(state, actions);
    expect(fs.readFileSync(path.join(fx.replica, 'a/doc.txt'), 'utf8')).toBe('version 2');
    expect(fs.readFileSync(path.join(trashDir, trash.folder, 'a/doc.txt'), 'utf8')).toBe('version 1');
  });

  it('makes a new symlink and replaces an old one under a temp name, with the source link\'s mtime', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'new-link': { link: 'target/one' }, 'changed-link': { link: '../elsewhere' } });
    writeTree(fx.replica, { 'changed-link': { link: 'old-target' } });
    setMtime(path.join(fx.source, 'new-link'), OLD);
    const actions: Action[] = [
      { type: 'symlink', path: 'new-link', target: 'target/one', replace: false },
      { type: 'symlink', path: 'changed-link', target: '../elsewhere', replace: true },
    ];
    const state = fx.state(actions);
    await write(state, actions);
    expect(fs.readlinkSync(path.join(fx.replica, 'new-link'))).toBe('target/one');
    expect(fs.readlinkSync(path.join(fx.replica, 'changed-link'))).toBe('../elsewhere');
    expect(mtimeOf(path.join(fx.replica, 'new-link'))).toBeCloseTo(OLD, 2);
    expect(state.counts).toMatchObject({ copied: 1, updated: 1, errors: 0 });
    expect(state.after.get('new-link')?.kind).toBe('symlink');
    expect(fx.ops()).toEqual(['symlink new-link', 'symlink changed-link']);
    expect(temps(fx.replica)).toEqual([]);
  });

  it('skips a file gone or changed since the scan, counts a write that failed, and copies the rest', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'gone.txt': 'g', 'changed.txt': 'c', 'fine.txt': 'f', 'lost/x.txt': 'x' });
    // The replica folder of lost/x.txt is not there (removed since the plan): the temp file cannot be made.
    const actions = [copy('gone.txt', 1), copy('changed.txt', 1), copy('lost/x.txt', 1), copy('fine.txt', 1)];
    const state = fx.state(actions);
    fs.rmSync(path.join(fx.source, 'gone.txt'));
    fs.appendFileSync(path.join(fx.source, 'changed.txt'), ' and more');
    await write(state, actions);
    expect(fs.readdirSync(fx.replica)).toEqual(['fine.txt']);
    expect(state.counts).toMatchObject({ copied: 1, errors: 1, skipped: 2 });
    expect(state.failures).toEqual([{ path: 'lost/x.txt', message: expect.stringContaining('ENOENT'), code: 'ENOENT' }]);
    expect(fx.ops('skip')).toEqual(['skip gone.txt', 'skip changed.txt']);
    expect(fx.events).toContainEqual({ type: 'op', op: 'skip', path: 'gone.txt', detail: 'vanished since the scan; it will be copied on the next run' });
    expect(state.fatal).toBeUndefined();
    // The record must not vouch for any of them.
    expect([...state.notDone].sort()).toEqual(['changed.txt', 'gone.txt', 'lost/x.txt']);
    expect(temps(fx.replica)).toEqual([]);
  });

  it('does not try copies below a folder whose own action failed, nor any once the run stopped', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'bad/a.txt': 'a', 'ok/b.txt': 'b', 'ok/link': { link: 'b.txt' } });
    fs.mkdirSync(path.join(fx.replica, 'bad'));
    fs.mkdirSync(path.join(fx.replica, 'ok'));
    const blocked = [copy('bad/a.txt', 1)];
    const state = fx.state(blocked);
    state.markFailed('bad');
    await write(state, blocked);
    expect(state.failures).toEqual([{ path: 'bad/a.txt', message: 'not attempted: "bad" failed' }]);
    expect(fs.readdirSync(path.join(fx.replica, 'bad'))).toEqual([]);

    const later: Action[] = [copy('ok/b.txt', 1), { type: 'symlink', path: 'ok/link', target: 'b.txt', replace: false }];
    const stopped = fx.state(later);
    stopped.fatal = 'the replica stopped taking writes (ENOSPC)';
    await write(stopped, later);
    expect(fs.readdirSync(path.join(fx.replica, 'ok'))).toEqual([]);
    expect(stopped.counts).toMatchObject({ copied: 0, errors: 0 });
    expect([...stopped.notDone].sort()).toEqual(['ok/b.txt', 'ok/link']);
  });

  it('reports each copy the worker threads make, a failed and a skipped one included, as the in-thread pool does', async () => {
    expect(fs.existsSync(DIST_WORKER), 'npm run build first').toBe(true);
    fx = makeFixture(ops);
    const names = Array.from({ length: 40 }, (_, i) => `d/f${String(i).padStart(2, '0')}.txt`);
    writeTree(fx.source, Object.fromEntries(names.map((n) => [n, n])));
    fs.mkdirSync(path.join(fx.replica, 'd'));
    writeTree(fx.source, { 'lost/x.txt': 'x', 'changed.txt': 'c' });
    const actions = [...names.map((n) => copy(n, n.length)), copy('lost/x.txt', 1), copy('changed.txt', 1)];
    const state = fx.state(actions);
    fs.appendFileSync(path.join(fx.source, 'changed.txt'), ' and more');
    await write(state, actions, DIST_WORKER);
    expect(fs.readdirSync(path.join(fx.replica, 'd')).sort()).toEqual(names.map((n) => path.basename(n)));
    for (const n of names) expect(fs.readFileSync(path.join(fx.replica, n), 'utf8')).toBe(n);
    expect(state.counts).toMatchObject({ copied: 40, errors: 1, skipped: 1 });
    expect(state.failures).toEqual([{ path: 'lost/x.txt', message: expect.stringContaining('ENOENT'), code: 'ENOENT' }]);
    expect([...state.notDone].sort()).toEqual(['changed.txt', 'lost/x.txt']);
    expect(state.after.size).toBe(40);
    expect(temps(fx.replica)).toEqual([]);
  });
});
