import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePaths } from '../../../main/engine/snapshot/path-order.js';
import { NUMBERS, RowCursor, SMALL, Snapshot, splitPaths } from '../../../main/engine/snapshot/snapshot.js';

function snapshotOf(paths: string | readonly string[]): Snapshot {
  const rows = typeof paths === 'string' ? splitPaths(paths).length : paths.length;
  return new Snapshot(paths, rows, new Float64Array(rows * NUMBERS), new Uint32Array(rows * SMALL), new Map());
}

describe('a snapshot whose paths arrived as one joined text', () => {
  it('splits them when first asked for, and holds the same paths row for row exactly when the texts are equal', () => {
    const a = snapshotOf(['a', 'a/b', 'c'].join('\0'));
    expect(a.paths).toEqual(['a', 'a/b', 'c']);
    expect(a.paths).toBe(a.paths);
    // Equal texts made apart (as two scans make them) still compare equal.
    expect(a.samePathsAs(snapshotOf(`a\0a/b\0${'c'}`))).toBe(true);
    expect(a.samePathsAs(snapshotOf('a\0a/b\0d'))).toBe(false);
    expect(a.samePathsAs(snapshotOf('a\0a/b'))).toBe(false);
    expect(snapshotOf('').samePathsAs(snapshotOf(''))).toBe(true);
    expect(snapshotOf('').paths).toEqual([]);
  });

  it('says nothing of snapshots made from lists', () => {
    const a = snapshotOf('a\0b');
    expect(a.samePathsAs(snapshotOf(['a', 'b']))).toBe(false);
    expect(snapshotOf(['a', 'b']).samePathsAs(a)).toBe(false);
    expect(splitPaths('')).toEqual([]);
  });
});

const name = fc.constantFrom('a', 'b', 'a.b', 'B', 'é', '\xff', 'a b');
const pathArb = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const sortedPaths = fc.uniqueArray(pathArb, { maxLength: 30 }).map((paths) => [...paths].sort(comparePaths));

describe('finding rows', () => {
  it('find() and a RowCursor walked in path order give each path its row and -1 for paths not held', () => {
    fc.assert(
      fc.property(sortedPaths, sortedPaths, (held, asked) => {
        const snapshot = snapshotOf(held);
        const cursor = new RowCursor(snapshot);
        for (const path of [...new Set([...asked, ...held])].sort(comparePaths)) {
          const expected = held.indexOf(path);
          expect(snapshot.find(path)).toBe(expected);
          expect(cursor.rowOf(path)).toBe(expected);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
