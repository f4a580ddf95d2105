import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createExcludeMatcher } from '../../../main/engine/scan/exclude.js';
import { toByteString } from '../../../main/engine/fs/paths.js';
import { scanTree } from '../../../main/engine/scan/walk.js';
import { scanTreePacked } from '../../../main/engine/scan/packed.js';
import { tableScan } from '../../../main/engine/scan/packed.js';
import type { Snapshot } from '../../../main/engine/snapshot/snapshot.js';
import type { Entry } from '../../../main/engine/types.js';
import { tempDir, writeTree } from '../../helpers/tree.js';

function asEntries(table: Snapshot): Map<string, Entry> {
  return new Map(table.paths.map((rel, row) => [rel, table.entry(row)]));
}

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function sample(): string {
  root = tempDir();
  writeTree(root, { 'a.txt': 'A', 'dir/b': 'B', 'dir/deep/c': 'C', 'empty/': '', 'link': { link: 'a.txt' }, 'new\nline': 'n', 'skip.tmp': 't' });
  fs.writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff])]), 'x');
  writeTree(root, { '.~folder-sync.0123.tmp': 'leftover' });
  return toByteString(root);
}

describe('scan', () => {
  it('lists every entry, parents first, symlink targets read, reserved names apart', () => {
    const result = scanTree(sample());
    const paths = [...result.entries.keys()];
    expect(paths).toContain('new\nline');
    expect(paths).toContain('bad-\xff');
    expect(paths.indexOf('dir')).toBeLessThan(paths.indexOf('dir/deep'));
    expect(paths.indexOf('dir/deep')).toBeLessThan(paths.indexOf('dir/deep/c'));
    expect(result.entries.get('link')).toMatchObject({ kind: 'symlink', target: 'a.txt' });
    expect(result.reserved).toEqual(['.~folder-sync.0123.tmp']);
    expect(paths).not.toContain('.~folder-sync.0123.tmp');
  });

  it('excludes match the basename and the relative path, and prune folders', () => {
    const result = scanTree(sample(), { exclude: createExcludeMatcher(['*.tmp', 'dir/deep'])! });
    expect([...result.entries.keys()]).not.toContain('skip.tmp');
    expect([...result.entries.keys()]).not.toContain('dir/deep/c');
    expect([...result.entries.keys()]).toContain('dir/b');
  });

  it('a scan packed into columns unpacks to exactly what scanTree finds', () => {
    const root = sample();
    const { table, ...report } = tableScan(scanTreePacked(root, { exclude: createExcludeMatcher(['*.tmp'])! }));
    const { entries, ...expected } = scanTree(root, { exclude: createExcludeMatcher(['*.tmp'])! });
    expect(asEntries(table)).toEqual(entries);
    expect(report).toEqual(expected);
  });

  it('the built worker scan gives the same result as scanning in this thread', async () => {
    const built = path.resolve('dist/main/engine/scan/parallel.js');
    expect(fs.existsSync(built), 'npm test builds dist/ first').toBe(true);
    const parallel = (await import(pathToFileURL(built).href)) as typeof import('../../../main/engine/scan/parallel.js');
    const bytes = sample();
    // With excludes: in a worker (a native scan has no exclude callback on the thread pool), and in this thread.
    const { durationMs, ...inWorker } = await parallel.scanOne(bytes, { excludes: ['*.tmp'], sameDevice: true });
    const { durationMs: hereMs, ...here } = await parallel.scanOne(bytes, { excludes: ['*.tmp'], sameDevice: true, smallTree: true });
    expect(inWorker).toEqual(here);
    expect(durationMs).toBeGreaterThan(0);
    expect(hereMs).toBeGreaterThan(0);
    expect(asEntries(inWorker.table)).toEqual(scanTree(bytes, { exclude: createExcludeMatcher(['*.tmp'])! }).entries);
    // Without: on the thread pool where the native scanner loaded.
    const { durationMs: _pooledMs, ...pooled } = await parallel.scanOne(bytes, { excludes: [], sameDevice: true });
    expect(asEntries(pooled.table)).toEqual(scanTree(bytes).entries);
  });
});
