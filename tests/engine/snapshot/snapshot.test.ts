import fc from 'fast-check';
import { pathsText } from '../../helpers/paths-text.js';
import { describe, expect, it } from 'vitest';
import { comparePaths } from '../../../main/engine/snapshot/path-order.js';
import { NUMBERS, SMALL, Snapshot, splitPaths } from '../../../main/engine/snapshot/snapshot.js';

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
  it('find() gives each path its row and -1 for paths not held, from a list or from a joined text', () => {
    fc.assert(
      fc.property(sortedPaths, sortedPaths, (held, asked) => {
        for (const snapshot of [snapshotOf(held), snapshotOf(held.join('\0'))]) {
          for (const path of [...new Set([...asked, ...held])].sort(comparePaths)) expect(snapshot.find(path)).toBe(held.indexOf(path));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('cuts single rows and stretches of rows out of a joined text without splitting it', () => {
    fc.assert(
      fc.property(sortedPaths.filter((paths) => paths.length > 0), fc.nat(), fc.nat(), (held, x, y) => {
        const fromText = snapshotOf(held.join('\0'));
        const fromList = snapshotOf(held);
        const from = x % held.length;
        const count = 1 + (y % (held.length - from));
        const text = (joined: Uint8Array | string): string => (typeof joined === 'string' ? joined : pathsText(joined));
        expect(text(fromText.joinedRows(from, count))).toBe(held.slice(from, from + count).join('\0'));
        expect(text(fromList.joinedRows(from, count))).toBe(held.slice(from, from + count).join('\0'));
        expect(fromText.path(from)).toBe(held[from]);
        expect(text(fromText.joinedPaths())).toBe(held.join('\0'));
        expect(text(fromList.joinedPaths())).toBe(held.join('\0'));
      }),
      { numRuns: 500 },
    );
  });
});
