/**
 * The metadata phase (execute/metadata.ts) called directly on real folders, on each file-access backend: modes
 * mirrored without set-uid and set-gid, mtimes brought within the replica's tolerance (and left alone inside it),
 * folders stamped last and deepest first, the root of a mounted drive never stamped, and the replica root's mtime
 * given back after a run that only probed it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixMetadata, restampFolders, restoreRootMtime, settleMtime } from '../../../main/engine/execute/metadata.js';
import { zeroCounts } from '../../../main/engine/execute/run-state.js';
import type { AtOps } from '../../../main/engine/fs/at.js';
import { Tree } from '../../../main/engine/fs/tree.js';
import { toleranceOf } from '../../../main/engine/plan/identity.js';
import { writeTree } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';
import { makeFixture, mtimeOf, setMtime, TRAITS, type Fixture } from './run-fixture.js';

const modeOf = (file: string): number => fs.lstatSync(file).mode & 0o7777;
const OLD = Date.UTC(2021, 5, 1, 12, 0, 0, 250);
const OLDER = Date.UTC(2019, 0, 1);

/** The backend, with every mode and time it sets recorded by name, in order (the file system stays real). */
function recording(ops: AtOps, calls: string[]): AtOps {
  return {
    ...ops,
    chmodAt: (dir, name, mode) => {
      calls.push(`chmod ${name}`);
      ops.chmodAt(dir, name, mode);
    },
    setTimesAt: (dir, name, atimeMs, mtimeMs) => {
      calls.push(`time ${name}`);
      ops.setTimesAt(dir, name, atimeMs, mtimeMs);
    },
  };
}

describe.each(BACKENDS)('the metadata phase, %s backend', (_name, ops) => {
  let fx: Fixture;
  afterEach(() => fx.close());

  it('mirrors a file\'s mode without set-uid and set-gid, keeping the sticky bit', () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'tool.sh': 'x', 'dir-like': 'y' });
    writeTree(fx.replica, { 'tool.sh': 'x', 'dir-like': 'y' });
    fs.chmodSync(path.join(fx.source, 'tool.sh'), 0o6755);
    fs.chmodSync(path.join(fx.source, 'dir-like'), 0o1640);
    fs.chmodSync(path.join(fx.replica, 'tool.sh'), 0o644);
    const actions = [
      { type: 'chmod', path: 'tool.sh', mode: 0o755 },
      { type: 'chmod', path: 'dir-like', mode: 0o1640 },
    ] as const;
    const state = fx.state(actions);
    for (const action of actions) fixMetadata(state, action);
    expect(modeOf(path.join(fx.replica, 'tool.sh'))).toBe(0o755);
    expect(modeOf(path.join(fx.replica, 'dir-like'))).toBe(0o1640);
    expect(state.counts.metadata).toBe(2);
    expect(fx.ops()).toEqual(['chmod tool.sh', 'chmod dir-like']);
  });

  it('touches a file and a symlink to the source\'s mtime, never through the link', () => {
    fx = makeFixture(ops);
    const outside = path.join(fx.root, 'outside.txt');
    fs.writeFileSync(outside, 'o');
    setMtime(outside, OLDER);
    writeTree(fx.source, { 'a.txt': 'a', link: { link: outside } });
    writeTree(fx.replica, { 'a.txt': 'a', link: { link: outside } });
    setMtime(path.join(fx.source, 'a.txt'), OLD);
    setMtime(path.join(fx.source, 'link'), OLD);
    const actions = [
      { type: 'touch', path: 'a.txt' },
      { type: 'touch', path: 'link' },
    ] as const;
    const state = fx.state(actions);
    for (const action of actions) fixMetadata(state, action);
    expect(mtimeOf(path.join(fx.replica, 'a.txt'))).toBeCloseTo(OLD, 2);
    expect(mtimeOf(path.join(fx.replica, 'link'))).toBeCloseTo(OLD, 2);
    expect(mtimeOf(outside)).toBe(OLDER);
    expect(state.after.get('a.txt')).toEqual({ kind: 'file', mtimeMs: expect.closeTo(OLD, 2) });
    expect(state.after.get('link')?.kind).toBe('symlink');
  });

  it('leaves a folder\'s planned chmod and touch for the end, after its contents, then sets both', async () => {
    fx = makeFixture(ops);
    fs.mkdirSync(path.join(fx.source, 'd'));
    fs.mkdirSync(path.join(fx.replica, 'd'), { mode: 0o700 });
    fs.chmodSync(path.join(fx.source, 'd'), 0o2750);
    setMtime(path.join(fx.source, 'd'), OLD);
    const actions = [
      { type: 'chmod', path: 'd', mode: 0o750 },
      { type: 'touch', path: 'd' },
    ] as const;
    const state = fx.state(actions);
    for (const action of actions) fixMetadata(state, action);
    expect(modeOf(path.join(fx.replica, 'd'))).toBe(0o700);
    // Contents written after the planned touch would move the folder's mtime again: stamping waits for them.
    fs.writeFileSync(path.join(fx.replica, 'd', 'late.txt'), 'late');
    await restampFolders(state);
    expect(modeOf(path.join(fx.replica, 'd'))).toBe(0o750);
    expect(mtimeOf(path.join(fx.replica, 'd'))).toBeCloseTo(OLD, 2);
    expect(state.after.get('d')).toEqual({ kind: 'dir', mtimeMs: expect.closeTo(OLD, 2) });
  });

  it('restamps changed folders deepest first, sets modes only where planned, skips failed ones', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'top/mid/low/': '', 'top/other/': '', 'broken/': '' });
    writeTree(fx.replica, { 'top/mid/low/': '', 'top/other/': '', 'broken/': '' });
    for (const rel of ['top', 'top/mid', 'top/mid/low', 'top/other', 'broken']) setMtime(path.join(fx.source, rel), OLD);
    setMtime(fx.source, OLDER);
    fs.chmodSync(path.join(fx.source, 'top/other'), 0o711);
    fs.chmodSync(path.join(fx.replica, 'top/other'), 0o700);
    const calls: string[] = [];
    const replicaTree = Tree.open(fx.replica, recording(ops, calls));
    try {
      const state = fx.state([], { replica: replicaTree });
      for (const rel of ['top', '', 'top/mid/low', 'top/other', 'top/mid', 'broken']) state.dirtyDirs.add(rel);
      state.modeDirs.add('top/other');
      state.markFailed('broken');
      await restampFolders(state);
      // Deepest first (the root, stamped through its own descriptor, last); a mode only where one was planned.
      expect(calls).toEqual(['time low', 'chmod other', 'time other', 'time mid', 'time top']);
      for (const rel of ['top', 'top/mid', 'top/mid/low', 'top/other']) expect(mtimeOf(path.join(fx.replica, rel))).toBeCloseTo(OLD, 2);
      expect(mtimeOf(fx.replica)).toBeCloseTo(OLDER, 2);
      expect(mtimeOf(path.join(fx.replica, 'broken'))).not.toBeCloseTo(OLD, 0);
      expect(modeOf(path.join(fx.replica, 'top/other'))).toBe(0o711);
    } finally {
      replicaTree.close();
    }
  });

  it('never stamps the replica root when it is the root of a mounted drive', async () => {
    fx = makeFixture(ops);
    setMtime(fx.source, OLDER);
    const before = mtimeOf(fx.replica);
    const state = fx.state([], { replicaIsMountRoot: true });
    state.dirtyDirs.add('');
    await restampFolders(state);
    expect(mtimeOf(fx.replica)).toBe(before);
  });

  it('brings a file\'s mtime within the replica\'s tolerance, and leaves one already within it untouched', () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'far.txt': 'f', 'near.txt': 'n' });
    writeTree(fx.replica, { 'far.txt': 'f', 'near.txt': 'n' });
    setMtime(path.join(fx.source, 'far.txt'), OLD);
    setMtime(path.join(fx.source, 'near.txt'), OLD);
    // A FAT-like replica keeps 2 s steps: a second off is equal there, three are not.
    const state = fx.state([], { traits: { ...TRAITS, mtimeGranularityMs: 2000 }, tolerance: toleranceOf(2000) });
    setMtime(path.join(fx.replica, 'far.txt'), OLD + 3000);
    setMtime(path.join(fx.replica, 'near.txt'), OLD + 1000);
    expect(settleMtime(state, 'far.txt')).toEqual({ kind: 'file', mtimeMs: expect.closeTo(OLD, 2) });
    expect(mtimeOf(path.join(fx.replica, 'far.txt'))).toBeCloseTo(OLD, 2);
    expect(settleMtime(state, 'near.txt').mtimeMs).toBeCloseTo(OLD + 1000, 2);
    expect(mtimeOf(path.join(fx.replica, 'near.txt'))).toBeCloseTo(OLD + 1000, 2);
    expect(() => settleMtime(state, 'gone.txt')).toThrow('vanished');
  });

  it('gives the replica root the source root\'s mtime after a run that only probed it', () => {
    fx = makeFixture(ops);
    setMtime(fx.source, OLDER);
    const source = { kind: 'dir', size: 0, mtimeMs: OLDER, ctimeMs: 0, mode: 0o755, ino: 1, dev: 1, birthtimeMs: 0 } as const;
    const replicaRoot = (): number => mtimeOf(fx.replica);
    const before = replicaRoot();
    restoreRootMtime(true, false, { ...zeroCounts(), copied: 1 }, fx.replicaTree, source);
    expect(replicaRoot()).toBe(before);
    restoreRootMtime(true, true, zeroCounts(), fx.replicaTree, source);
    expect(replicaRoot()).toBe(before);
    restoreRootMtime(false, false, zeroCounts(), fx.replicaTree, source);
    expect(replicaRoot()).toBe(before);
    restoreRootMtime(true, false, { ...zeroCounts(), updated: 1, metadata: 2 }, fx.replicaTree, source);
    expect(replicaRoot()).toBeCloseTo(OLDER, 2);
  });
});
