import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { comparePaths, pathOrder } from '../../../main/engine/snapshot/path-order.js';
import { toByteString } from '../../../main/engine/fs/paths.js';
import { scanTreePacked } from '../../../main/engine/scan/packed.js';
import { tableScan } from '../../../main/engine/scan/packed.js';
import { tempDir } from '../../helpers/tree.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The order walkTree lists a tree in, built independently: a folder's names sorted, then each subfolder's subtree. */
function walkOrder(paths: readonly string[]): string[] {
  const children = new Map<string, string[]>();
  for (const rel of paths) {
    const slash = rel.lastIndexOf('/');
    const parent = slash < 0 ? '' : rel.slice(0, slash);
    children.set(parent, [...(children.get(parent) ?? []), rel]);
  }
  const out: string[] = [];
  const visit = (dir: string): void => {
    const names = (children.get(dir) ?? []).sort((a, b) => (a.slice(a.lastIndexOf('/') + 1) < b.slice(b.lastIndexOf('/') + 1) ? -1 : 1));
    out.push(...names);
    for (const rel of names) if (children.has(rel)) visit(rel);
  };
  visit('');
  return out;
}

/** Every ancestor of every path, so the set is a tree. */
function closed(paths: readonly string[]): string[] {
  const all = new Set<string>();
  for (const rel of paths) {
    const parts = rel.split('/');
    for (let i = 1; i <= parts.length; i += 1) all.add(parts.slice(0, i).join('/'));
  }
  return [...all];
}

// Names around "/" (0x2f) in byte order: "-" and "." below it, "0" and "_" above, a space, and latin1 bytes.
const name = fc.stringMatching(/^[-.0_a b\xe9\xff]{1,3}$/);
const tree = fc.array(fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/')), { maxLength: 40 }).map(closed);

describe('path order', () => {
  it('sorting by comparePaths gives the walk order, whatever order the paths come in', () => {
    fc.assert(
      fc.property(tree, fc.integer(), (paths, seed) => {
        const expected = walkOrder(paths);
        const shuffled = [...paths].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7) || (a < b ? 1 : -1));
        expect([...shuffled].sort(comparePaths)).toEqual(expected);
        expect(pathOrder(expected)).toBeUndefined();
        const order = pathOrder(shuffled);
        const sorted = order === undefined ? shuffled : [...order].map((row) => shuffled[row]);
        expect(sorted).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('is the order a real scan lists a tree in', () => {
    const root = tempDir();
    made.push(root);
    for (const rel of ['a/x', 'a-b/y', 'a b', 'a.c/d/e', 'ab', '0/1', '_', 'b/a/b/c']) {
      fs.mkdirSync(path.join(root, path.dirname(rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), '');
    }
    fs.mkdirSync(path.join(root, 'a', 'z'));
    const { table } = tableScan(scanTreePacked(toByteString(root)));
    expect(table.paths).toEqual(walkOrder(table.paths));
    expect(pathOrder(table.paths)).toBeUndefined();
  });

  it('refuses a path listed twice', () => {
    expect(() => pathOrder(['a', 'b', 'a'])).toThrow(/listed twice/);
  });
});
