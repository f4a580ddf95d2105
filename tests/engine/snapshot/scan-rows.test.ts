import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toByteString } from '../../../main/engine/fs/paths.js';
import { scanTreePacked } from '../../../main/engine/scan/packed.js';
import { ScanRows } from '../../../main/engine/snapshot/scan-rows.js';
import { tableScan } from '../../../main/engine/scan/packed.js';
import { tempDir, writeTree } from '../../helpers/tree.js';

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('rows of a scan seen as a map', () => {
  it('answer every map question as a map of the same entries would, in row order', () => {
    root = tempDir();
    writeTree(root, { 'a.txt': 'a', 'd/b.txt': 'bb', 'd/link': { link: 'b.txt' }, 'z.txt': 'zzz' });
    fs.chmodSync(path.join(root, 'a.txt'), 0o600);
    const table = tableScan(scanTreePacked(toByteString(root))).table;
    const rows = [0, 2, 3, 4];
    const expected = new Map(rows.map((row) => [table.paths[row]!, table.entry(row)]));
    const map = new ScanRows(table, rows);
    expect(map.size).toBe(4);
    expect([...map]).toEqual([...expected]);
    expect([...map.entries()]).toEqual([...expected.entries()]);
    expect([...map.keys()]).toEqual([...expected.keys()]);
    expect([...map.values()]).toEqual([...expected.values()]);
    const seen: string[] = [];
    map.forEach((entry, rel, self) => {
      expect(entry).toEqual(expected.get(rel));
      expect(self).toBe(map);
      seen.push(rel);
    });
    expect(seen).toEqual([...expected.keys()]);
    for (const rel of table.paths) {
      expect(map.has(rel)).toBe(expected.has(rel));
      expect(map.get(rel)).toEqual(expected.get(rel));
    }
    expect(map.get('d/link')?.target).toBe('b.txt');
    expect(map.get('missing')).toBeUndefined();
    expect([...map.without(new Set(['d/b.txt', 'missing'])).keys()]).toEqual([...expected.keys()].filter((rel) => rel !== 'd/b.txt'));
  });
});
