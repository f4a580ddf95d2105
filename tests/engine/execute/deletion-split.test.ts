import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitDeletions } from '../../../main/engine/execute/deletion-split.js';
import { caseKey } from '../../../main/engine/fs/names.js';
import type { Action } from '../../../main/engine/types.js';

const paths = (actions: readonly Action[]): string[] => actions.map((a) => a.path);

/** `a` is `b`, or one of them is inside the other. */
function related(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

describe('splitDeletions', () => {
  it('lets deletions elsewhere run alongside the writes', () => {
    const actions: Action[] = [
      { type: 'delete', path: 'old/a.txt' },
      { type: 'delete', path: 'keep/b.txt' },
      { type: 'rmdir', path: 'old' },
      { type: 'copy', path: 'keep/new.txt', size: 1 },
      { type: 'update', path: 'other/c.txt', size: 1 },
    ];
    const split = splitDeletions(actions);
    expect(split.first).toEqual([]);
    expect(paths(split.files)).toEqual(['old/a.txt', 'keep/b.txt']);
    expect(paths(split.folders)).toEqual(['old']);
  });

  it('keeps first a file replaced by a folder, a folder replaced by a file, and all inside them', () => {
    const actions: Action[] = [
      { type: 'delete', path: 'f' },
      { type: 'delete', path: 'd/x' },
      { type: 'delete', path: 'd/sub/y' },
      { type: 'rmdir', path: 'd/sub' },
      { type: 'rmdir', path: 'd' },
      { type: 'delete', path: 'elsewhere' },
      { type: 'mkdir', path: 'f' },
      { type: 'copy', path: 'f/inside', size: 1 },
      { type: 'copy', path: 'd', size: 1 },
    ];
    const split = splitDeletions(actions);
    expect(paths(split.first)).toEqual(['f', 'd/x', 'd/sub/y', 'd/sub', 'd']);
    expect(paths(split.files)).toEqual(['elsewhere']);
    expect(split.folders).toEqual([]);
  });

  it('compares folded names on a case-insensitive drive, and a move\'s both ends', () => {
    const actions: Action[] = [
      { type: 'delete', path: 'Photo.JPG' },
      { type: 'delete', path: 'Old/x' },
      { type: 'rmdir', path: 'Old' },
      { type: 'delete', path: 'was-here' },
      { type: 'copy', path: 'photo.jpg', size: 1 },
      { type: 'copy', path: 'old/y', size: 1 },
      { type: 'move', from: 'was-here/z', path: 'there/z', kind: 'file' },
    ];
    expect(paths(splitDeletions(actions).first)).toEqual(['was-here']);
    expect(paths(splitDeletions(actions, caseKey).first)).toEqual(['Photo.JPG', 'Old/x', 'Old', 'was-here']);
  });

  it('property: nothing alongside touches a written path, and every deletion is kept once, in order', () => {
    const name = fc.constantFrom('a', 'A', 'b', 'c');
    const rel = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
    const action: fc.Arbitrary<Action> = fc.oneof(
      rel.map((path): Action => ({ type: 'delete', path })),
      rel.map((path): Action => ({ type: 'rmdir', path })),
      rel.map((path): Action => ({ type: 'mkdir', path })),
      rel.map((path): Action => ({ type: 'copy', path, size: 1 })),
      rel.map((path): Action => ({ type: 'symlink', path, target: 'x', replace: false })),
      fc.tuple(rel, rel).map(([from, path]): Action => ({ type: 'move', from, path, kind: 'file' })),
      rel.map((path): Action => ({ type: 'touch', path })),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 30 }), fc.boolean(), (actions, fold) => {
        const keyOf = fold ? caseKey : (p: string): string => p;
        const split = splitDeletions(actions, fold ? caseKey : undefined);
        const deletions = actions.filter((a) => a.type === 'delete' || a.type === 'rmdir');
        expect([...split.first, ...split.files, ...split.folders].sort((x, y) => deletions.indexOf(x) - deletions.indexOf(y))).toEqual(deletions);
        for (const part of [split.first, split.folders]) {
          expect(part).toEqual(deletions.filter((d) => part.includes(d)));
        }
        const writes = actions.flatMap((a) => (a.type === 'move' ? [a.path, a.from] : ['mkdir', 'copy', 'symlink'].includes(a.type) ? [a.path] : []));
        for (const deletion of [...split.files, ...split.folders]) {
          for (const written of writes) expect(related(keyOf(deletion.path), keyOf(written))).toBe(false);
          // A folder removed first has nothing inside it left for later.
          for (const early of split.first) if (early.type === 'rmdir') expect(keyOf(deletion.path).startsWith(`${keyOf(early.path)}/`)).toBe(false);
        }
        for (const file of split.files) expect(file.type).toBe('delete');
      }),
      { numRuns: 2000 },
    );
  });
});
