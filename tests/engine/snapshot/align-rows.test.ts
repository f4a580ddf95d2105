import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAtOps } from '../../../main/engine/fs/at.js';
import { alignRows, alignRowsHere } from '../../../main/engine/snapshot/align-rows.js';
import { rowStarts } from '../../../main/engine/snapshot/path-text.js';
import { comparePaths } from '../../../main/engine/snapshot/path-order.js';
import { NUMBERS, SMALL, Snapshot } from '../../../main/engine/snapshot/snapshot.js';

function snapshotOf(paths: readonly string[], asText: boolean): Snapshot {
  return new Snapshot(asText ? paths.join('\0') : paths, paths.length, new Float64Array(paths.length * NUMBERS), new Uint32Array(paths.length * SMALL), new Map());
}

const expected = (a: readonly string[], b: readonly string[]): number[] => {
  const rowOf = new Map(b.map((path, row) => [path, row]));
  return a.map((path) => rowOf.get(path) ?? -1);
};

// Names that share long prefixes, so equal and unequal stretches of text meet mid-name and at every kind of boundary.
const name = fc.constantFrom('a', 'b', 'ab', 'a.b', 'B', 'é', '\xff', 'a b', 'file-0001.txt', 'file-0001.txt~', 'folder-with-a-long-name');
const pathArb = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const sorted = (paths: Iterable<string>): string[] => [...new Set(paths)].sort(comparePaths);

/** Two lists that mostly agree: a common base, each with some paths dropped and some of its own added. */
const similarLists = fc
  .tuple(fc.uniqueArray(pathArb, { maxLength: 400 }), fc.array(fc.nat(), { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 12 }), fc.array(pathArb, { maxLength: 8 }), fc.array(pathArb, { maxLength: 8 }))
  .map(([base, dropA, dropB, addA, addB]) => {
    const drop = (drops: number[]): string[] => base.filter((_, i) => !drops.some((d) => base.length > 0 && d % base.length === i));
    return [sorted([...drop(dropA), ...addA]), sorted([...drop(dropB), ...addB])] as const;
  });

const ALIGNERS = [
  [`alignRows (${loadAtOps().backend})`, alignRows],
  ['alignRowsHere (JavaScript)', alignRowsHere],
] as const;

describe.each(ALIGNERS)('%s', (_, alignRows) => {
  it('gives each row of one list the row of the other holding the same path, or -1, texts and lists alike', () => {
    fc.assert(
      fc.property(similarLists, fc.boolean(), fc.boolean(), ([a, b], aText, bText) => {
        expect([...alignRows(snapshotOf(a, aText), snapshotOf(b, bText))]).toEqual(expected(a, b));
      }),
      { numRuns: 1500 },
    );
  });

  it('tells a path from a longer one that starts with it, at the end of a text and before the next row', () => {
    const cases: Array<[string[], string[]]> = [
      [['x/y'], ['x/y', 'x/z']],
      [['x/y', 'x/z'], ['x/y']],
      [['x/y'], ['x/yz']],
      [['x/yz'], ['x/y']],
      [['a', 'a/b'], ['a', 'a/bc', 'b']],
      [[], ['a']],
      [['a'], []],
    ];
    for (const [a, b] of cases) {
      for (const [aText, bText] of [[true, true], [true, false], [false, true]] as const) {
        expect([...alignRows(snapshotOf(a, aText), snapshotOf(b, bText))]).toEqual(expected(a, b));
      }
    }
  });

  it('aligns a tree of 100,000 entries with one folder renamed by comparing texts, not splitting them', () => {
    const folders = Array.from({ length: 2000 }, (_, f) => `dir-${String(f).padStart(4, '0')}`);
    const tree = (renamed: string): string[] =>
      sorted(folders.flatMap((dir) => {
        const at = dir === 'dir-1000' ? renamed : dir;
        return [at, ...Array.from({ length: 49 }, (_, i) => `${at}/file-${String(i).padStart(3, '0')}.bin`)];
      }));
    const a = tree('dir-1000-renamed');
    const b = tree('dir-1000');
    const source = snapshotOf(a, true);
    const map = alignRows(source, snapshotOf(b, true));
    expect([...map]).toEqual(expected(a, b));
    expect(map.filter((row) => row === -1).length).toBe(50);
    // Nothing asked for the paths as a list: the text was never split.
    expect((source as unknown as { split: unknown }).split).toBeUndefined();
  });
});

describe.runIf(loadAtOps().backend === 'native')('the native row arithmetic', () => {
  it('finds the same row starts as the JavaScript loop', () => {
    fc.assert(
      fc.property(fc.uniqueArray(pathArb, { maxLength: 60 }), (paths) => {
        const bytes = Buffer.from(paths.join('\0'), 'latin1');
        expect([...loadAtOps().pathRowStarts!(bytes, paths.length)]).toEqual([...rowStarts(bytes, paths.length)]);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses row starts that would reach outside the bytes, rather than read there', () => {
    const bytes = Buffer.from('a\0b', 'latin1');
    const align = loadAtOps().alignPathRows!;
    const good = Uint32Array.of(0, 2, 4);
    for (const bad of [Uint32Array.of(0, 2, 9), Uint32Array.of(0, 3, 2, 4), Uint32Array.of(), Uint32Array.of(2, 0, 4)]) {
      expect(() => align(bytes, bad, bytes, good)).toThrow(RangeError);
      expect(() => align(bytes, good, bytes, bad)).toThrow(RangeError);
    }
    expect([...align(bytes, good, bytes, good)]).toEqual([0, 1]);
  });
});
