/**
 * The moves phase (execute/moves.ts) called directly on real folders, on each file-access backend: a move is a
 * rename (the inode stays, not a byte is copied), moved files go through staging so swaps never overwrite each
 * other, a file moved over another keeps the old one in the trash, and a move whose source vanished is one counted
 * failure while the other moves go on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { moveFolder, placeStagedMove, removeStaging, stageFileMoves, type Move } from '../../../main/engine/execute/moves.js';
import type { RunState } from '../../../main/engine/execute/run-state.js';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';
import { writeTree } from '../../helpers/tree.js';
import { BACKENDS } from '../fs/backends.js';
import { inodeOf, makeFixture, mtimeOf, setMtime, type Fixture } from './run-fixture.js';

const fileMove = (from: string, to: string): Move => ({ type: 'move', from, path: to, kind: 'file' });
const folderMove = (from: string, to: string): Move => ({ type: 'move', from, path: to, kind: 'dir' });

/** The file moves as runPhases does them: all staged, then each put in place under the failure policy. */
async function moveFiles(state: RunState, moves: readonly Move[]): Promise<void> {
  const staged = await stageFileMoves(state, moves);
  for (const [move, temp] of staged) await state.guard(move, () => placeStagedMove(state, move, temp));
  removeStaging(state);
}

describe.each(BACKENDS)('the moves phase, %s backend', (_name, ops) => {
  let fx: Fixture;
  afterEach(() => {
    fx.close();
  });

  it('puts a moved file under its new name with its inode, in a new folder, and counts it', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'new/place.txt': 'contents' });
    writeTree(fx.replica, { 'old.txt': 'contents' });
    const ino = inodeOf(path.join(fx.replica, 'old.txt'));
    const move = fileMove('old.txt', 'new/place.txt');
    const state = fx.state([move]);
    await moveFiles(state, [move]);
    expect(fs.readdirSync(fx.replica).sort()).toEqual(['new']);
    expect(inodeOf(path.join(fx.replica, 'new/place.txt'))).toBe(ino);
    expect(state.counts).toMatchObject({ moved: 1, created: 1, errors: 0 });
    expect(state.notDone.has('new/place.txt')).toBe(false);
    expect(state.after.get('new/place.txt')?.kind).toBe('file');
    expect(fx.events).toContainEqual({ type: 'op', op: 'move', path: 'new/place.txt', from: 'old.txt' });
    // Both folders changed: they get their source mtimes back at the end.
    expect([...state.dirtyDirs].sort()).toEqual(['', 'new']);
  });

  it('swaps two files through staging: neither overwrites the other', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'a.txt': 'B', 'b.txt': 'A' });
    writeTree(fx.replica, { 'a.txt': 'A', 'b.txt': 'B' });
    const inoA = inodeOf(path.join(fx.replica, 'a.txt'));
    const inoB = inodeOf(path.join(fx.replica, 'b.txt'));
    const moves = [fileMove('a.txt', 'b.txt'), fileMove('b.txt', 'a.txt')];
    const state = fx.state(moves);
    await moveFiles(state, moves);
    expect(fs.readFileSync(path.join(fx.replica, 'a.txt'), 'utf8')).toBe('B');
    expect(fs.readFileSync(path.join(fx.replica, 'b.txt'), 'utf8')).toBe('A');
    expect(inodeOf(path.join(fx.replica, 'b.txt'))).toBe(inoA);
    expect(inodeOf(path.join(fx.replica, 'a.txt'))).toBe(inoB);
    expect(state.counts).toMatchObject({ moved: 2, errors: 0 });
    // The staging folder is gone once every move is in place.
    expect(fs.readdirSync(fx.replica).filter((n) => n.startsWith(RESERVED_PREFIX))).toEqual([]);
  });

  it('keeps the file a move replaces in the trash when a trash is given', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'doc.txt': 'renamed' });
    writeTree(fx.replica, { 'draft.txt': 'renamed', 'doc.txt': 'the old doc' });
    const { dir: trashDir, trash } = fx.trash();
    const move = fileMove('draft.txt', 'doc.txt');
    const state = fx.state([move], { trash });
    await moveFiles(state, [move]);
    expect(fs.readFileSync(path.join(fx.replica, 'doc.txt'), 'utf8')).toBe('renamed');
    expect(fs.readFileSync(path.join(trashDir, trash.folder, 'doc.txt'), 'utf8')).toBe('the old doc');
    expect(state.counts).toMatchObject({ moved: 1, errors: 0 });
  });

  it('counts a move whose source vanished as one failure, with its errno, and makes the other moves', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'x2.txt': 'x', 'y2.txt': 'y' });
    writeTree(fx.replica, { 'y.txt': 'y' });
    const moves = [fileMove('x.txt', 'x2.txt'), fileMove('y.txt', 'y2.txt')];
    const state = fx.state(moves);
    await moveFiles(state, moves);
    expect(state.counts).toMatchObject({ moved: 1, errors: 1 });
    expect(state.failures).toEqual([{ path: 'x2.txt', message: expect.stringContaining('ENOENT'), code: 'ENOENT' }]);
    expect(state.fatal).toBeUndefined();
    expect(fs.readdirSync(fx.replica).sort()).toEqual(['y2.txt']);
    // The record must not vouch for the move that did not happen.
    expect(state.notDone.has('x2.txt')).toBe(true);
    expect(state.notDone.has('y2.txt')).toBe(false);
  });

  it('gives a moved file its source mtime back where the rename did not keep it', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'b.txt': 'b' });
    writeTree(fx.replica, { 'a.txt': 'b' });
    setMtime(path.join(fx.source, 'b.txt'), Date.UTC(2020, 0, 1));
    const move = fileMove('a.txt', 'b.txt');
    const state = fx.state([move]);
    await moveFiles(state, [move]);
    expect(mtimeOf(path.join(fx.replica, 'b.txt'))).toBeCloseTo(Date.UTC(2020, 0, 1), 2);
    expect(state.after.get('b.txt')?.mtimeMs).toBeCloseTo(Date.UTC(2020, 0, 1), 2);
  });

  it('moves a folder in one rename, its inode and contents kept, below a parent it makes', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'p/q/renamed/f.txt': 'f' });
    writeTree(fx.replica, { 'old/f.txt': 'f', 'old/sub/g.txt': 'g' });
    const ino = inodeOf(path.join(fx.replica, 'old'));
    const move = folderMove('old', 'p/q/renamed');
    const state = fx.state([move]);
    await state.guard(move, () => moveFolder(state, move));
    expect(inodeOf(path.join(fx.replica, 'p/q/renamed'))).toBe(ino);
    expect(fs.readFileSync(path.join(fx.replica, 'p/q/renamed/sub/g.txt'), 'utf8')).toBe('g');
    expect(fs.existsSync(path.join(fx.replica, 'old'))).toBe(false);
    expect(state.counts).toMatchObject({ moved: 1, created: 2, errors: 0 });
    expect(state.dirtyDirs.has('p/q/renamed')).toBe(true);
  });

  it('rebuilds a folder entry by entry where the drive loses a renamed folder\'s contents, each file keeping its inode', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'new/a.txt': 'a', 'new/deep/b.txt': 'b' });
    writeTree(fx.replica, { 'old/a.txt': 'a', 'old/deep/b.txt': 'b' });
    const inoB = inodeOf(path.join(fx.replica, 'old/deep/b.txt'));
    const move = folderMove('old', 'new');
    const state = fx.state([move]);
    state.folderRenamesKeepContents = false; // as fusefat answers the check
    await state.guard(move, () => moveFolder(state, move));
    expect(fs.readdirSync(fx.replica)).toEqual(['new']);
    expect(fs.readFileSync(path.join(fx.replica, 'new/a.txt'), 'utf8')).toBe('a');
    expect(inodeOf(path.join(fx.replica, 'new/deep/b.txt'))).toBe(inoB);
    // Its folders were made here: their modes are set at the end.
    expect([...state.modeDirs].sort()).toEqual(['new', 'new/deep']);
    expect(state.counts).toMatchObject({ moved: 1, errors: 0 });
  });

  it('does not try a file move into a folder whose own move failed', async () => {
    fx = makeFixture(ops);
    writeTree(fx.source, { 'dst/f.txt': 'f', 'dst/g.txt': 'g' });
    writeTree(fx.replica, { 'g.txt': 'g' });
    const moves = [folderMove('gone', 'dst'), fileMove('g.txt', 'dst/g.txt')];
    const state = fx.state(moves);
    await state.guard(moves[0]!, () => moveFolder(state, moves[0]!));
    await moveFiles(state, [moves[1]!]);
    expect(state.counts.errors).toBe(2);
    expect(state.failures[1]).toEqual({ path: 'dst/g.txt', message: 'not attempted: "dst" failed' });
    expect(fs.readFileSync(path.join(fx.replica, 'g.txt'), 'utf8')).toBe('g');
  });
});
