import { pathsText } from '../../helpers/paths-text.js';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createExcludeMatcher, type ExcludeMatcher } from '../../../main/engine/scan/exclude.js';
import { fsPath, isReservedName, joinPath, toByteString } from '../../../main/engine/fs/paths.js';
import { entryOf, scanTree, type ScanResult } from '../../../main/engine/scan/walk.js';
import { scanTreePacked, type PackedScan } from '../../../main/engine/scan/packed.js';
import type { Entry, EntryKind } from '../../../main/engine/types.js';
import { tempDir } from '../../helpers/tree.js';

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');

/**
 * The scan as it was written before it was tuned (one whole-path ASCII test and one string per entry): the
 * reference the faster walk must agree with, entry for entry and in the same order.
 */
function referenceScan(rootBytes: string, exclude?: ExcludeMatcher): { entries: Array<[string, Entry]> } & Omit<ScanResult, 'entries'> {
  const out = { entries: [] as Array<[string, Entry]>, problems: [] as ScanResult['problems'], unreadableDirs: [] as string[], reserved: [] as string[], mountPoints: [] as string[] };
  const pending = [''];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      names = fs.readdirSync(fsPath(joinPath(rootBytes, dir)), { encoding: 'latin1' }).sort();
    } catch (error) {
      out.unreadableDirs.push(dir);
      if (dir === '') throw error;
      out.problems.push({ path: dir, message: `cannot list folder (${(error as NodeJS.ErrnoException).code})` });
      continue;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      if (isReservedName(name)) {
        out.reserved.push(rel);
        continue;
      }
      const abs = fsPath(joinPath(rootBytes, rel));
      const stat = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (stat === undefined) continue;
      if (exclude?.(rel, stat.isDirectory())) continue;
      out.entries.push([rel, entryOf(stat, stat.isSymbolicLink() ? fs.readlinkSync(abs, { encoding: 'latin1' }) : undefined)]);
      if (stat.isDirectory()) subdirs.push(rel);
    }
    pending.push(...subdirs.reverse());
  }
  return out;
}

/** Reads the columns back, by the layout PackedScan documents: 6 numbers and 2 small integers per entry. */
function decode(packed: PackedScan): { entries: Map<string, Entry> } & Omit<ScanResult, 'entries'> {
  const kinds: EntryKind[] = ['file', 'dir', 'symlink', 'other'];
  const paths = packed.count === 0 ? [] : pathsText(packed.paths).split('\0');
  expect(paths).toHaveLength(packed.count);
  const targets = new Map(packed.targets);
  const { numbers: n, small: s } = packed;
  const entries = new Map<string, Entry>(
    paths.map((rel, i) => {
      const entry: Entry = {
        kind: kinds[s[2 * i]!]!, size: n[6 * i]!, mtimeMs: n[6 * i + 1]!, ctimeMs: n[6 * i + 2]!, mode: s[2 * i + 1]!, ino: n[6 * i + 3]!, birthtimeMs: n[6 * i + 4]!, dev: n[6 * i + 5]!,
      };
      const target = targets.get(i);
      return [rel, target === undefined ? entry : { ...entry, target }];
    }),
  );
  return { entries, problems: packed.problems, unreadableDirs: packed.unreadableDirs, reserved: packed.reserved, mountPoints: packed.mountPoints };
}

/** Names that are ASCII, UTF-8 and not UTF-8 at all, in folders of each kind, with links, reserved names, a FIFO. */
function awkwardTree(): string {
  root = tempDir();
  const r = toByteString(root);
  const dirs = ['', 'plain', 'plain/sub', 'caf\xc3\xa9', 'caf\xc3\xa9/inner', 'bad-\xff', 'bad-\xff/x', 'bad-\xff/\xfe-deeper', 'empty'];
  for (const dir of dirs) if (dir !== '') fs.mkdirSync(bytes(`${r}/${dir}`));
  for (const dir of dirs.filter((d) => d !== 'empty')) {
    const prefix = dir === '' ? r : `${r}/${dir}`;
    for (const name of ['a.txt', 'Z', 'n\xc3\xb1', 'raw-\x80\xff', 'skip.tmp', '.~folder-sync.1.tmp', 'new\nline', ' sp ace']) {
      fs.writeFileSync(bytes(`${prefix}/${name}`), name);
    }
    fs.symlinkSync(bytes('target-\xe9\xff'), bytes(`${prefix}/link`));
  }
  fs.mkdirSync(bytes(`${r}/.~folder-sync.staging`));
  fs.writeFileSync(bytes(`${r}/.~folder-sync.staging/inside`), 'never listed');
  fs.utimesSync(bytes(`${r}/plain/a.txt`), 1_000_000.25, 1_234_567.5);
  fs.chmodSync(bytes(`${r}/bad-\xff/Z`), 0o4751);
  return r;
}

function expectSameAsReference(rootBytes: string, globs: string[] = []): void {
  const reference = referenceScan(rootBytes, createExcludeMatcher(globs));
  const exclude = createExcludeMatcher(globs);
  const packed = scanTreePacked(rootBytes, exclude ? { exclude } : {});
  expect(packed.numbers.length).toBe(packed.count * 6);
  expect(packed.small.length).toBe(packed.count * 2);
  const unpacked = decode(packed);
  expect([...unpacked.entries]).toEqual(reference.entries);
  const { entries, ...rest } = reference;
  expect({ problems: unpacked.problems, unreadableDirs: unpacked.unreadableDirs, reserved: unpacked.reserved, mountPoints: unpacked.mountPoints }).toEqual(rest);
  const inThread = scanTree(rootBytes, exclude ? { exclude } : {});
  expect([...inThread.entries]).toEqual(entries);
  expect({ problems: inThread.problems, unreadableDirs: inThread.unreadableDirs, reserved: inThread.reserved, mountPoints: inThread.mountPoints }).toEqual(rest);
}

describe('scan, packed and in this thread, against the reference walk', () => {
  it('agrees entry for entry, in order, on ASCII, UTF-8 and non-UTF-8 names and folders', () => {
    const r = awkwardTree();
    expectSameAsReference(r);
    const keys = [...scanTree(r).entries.keys()];
    expect(keys).toContain('bad-\xff/\xfe-deeper/raw-\x80\xff');
    expect(keys).toContain('caf\xc3\xa9/inner/n\xc3\xb1');
    expect(scanTree(r).entries.get('bad-\xff/link')).toMatchObject({ kind: 'symlink', target: 'target-\xe9\xff' });
    expect(scanTree(r).entries.get('bad-\xff/Z')).toMatchObject({ kind: 'file', mode: 0o4751, size: 1 });
    expect(scanTree(r).entries.get('plain/a.txt')?.mtimeMs).toBe(1_234_567_500);
  });

  it('agrees with excludes on names, on paths and on whole folders', () => {
    expectSameAsReference(awkwardTree(), ['*.tmp', 'plain/sub', 'bad-\xef\xbf\xbd/x', 'caf\u00e9']);
  });

  it('agrees from a root given with a trailing slash, and on a FIFO', () => {
    const r = awkwardTree();
    // node:fs cannot make a FIFO.
    expect(spawnSync('mkfifo', [`${root}/plain/fifo`]).status).toBe(0);
    expectSameAsReference(`${r}/`);
    expect(scanTree(`${r}/`).entries.get('plain/fifo')).toMatchObject({ kind: 'other', size: 0 });
  });

  it('agrees on more entries than the columns first hold (they grow), spread over folders', () => {
    root = tempDir();
    const r = toByteString(root);
    // 4,100 entries: past the first 4,096 the columns hold. Hard links: creating files is slow on some disks.
    fs.writeFileSync(`${root}/f`, 'x');
    for (let d = 0; d < 2; d += 1) {
      fs.mkdirSync(`${root}/d${d}`);
      for (let f = 0; f < 2049; f += 1) fs.linkSync(`${root}/f`, `${root}/d${d}/f${f}`);
    }
    expectSameAsReference(r);
    const packed = scanTreePacked(r);
    expect(packed.count).toBe(3 + 2 * 2049);
    expect(pathsText(packed.paths).split('\0')).toHaveLength(packed.count);
  });

  it('an empty root packs to no entries', () => {
    root = tempDir();
    const packed = scanTreePacked(toByteString(root));
    expect(packed).toMatchObject({ count: 0, paths: new Uint8Array(0), targets: [], problems: [], unreadableDirs: [], reserved: [] });
    expect(decode(packed).entries.size).toBe(0);
  });
});

describe('scan: entries that change under it', () => {
  it('skips an entry that vanishes after the listing, and reports a folder that can no longer be listed', () => {
    root = tempDir();
    const r = toByteString(root);
    // The exclude matcher runs after each entry's lstat, in name order: a hook to change the tree mid-scan.
    const meddle: ExcludeMatcher = (rel) => {
      if (rel === 'c') fs.rmSync(bytes(`${r}/gone-\xe9`));
      if (rel === 'z') {
        // 'b-\xff' was seen as a folder; it becomes a file before it is listed.
        fs.rmSync(bytes(`${r}/b-\xff`), { recursive: true });
        fs.writeFileSync(bytes(`${r}/b-\xff`), 'now a file');
      }
      return false;
    };
    for (const scan of [(x: ExcludeMatcher) => decode(scanTreePacked(r, { exclude: x })), (x: ExcludeMatcher) => scanTree(r, { exclude: x })]) {
      fs.rmSync(root, { recursive: true, force: true });
      fs.mkdirSync(root);
      for (const dir of ['a', 'b-\xff', 'c']) fs.mkdirSync(bytes(`${r}/${dir}`));
      for (const file of ['a/1', 'b-\xff/2', 'c/3', 'gone-\xe9', 'z']) fs.writeFileSync(bytes(`${r}/${file}`), 'x');
      const result = scan(meddle);
      expect([...result.entries.keys()]).toEqual(['a', 'b-\xff', 'c', 'z', 'a/1', 'c/3']);
      expect(result.unreadableDirs).toEqual(['b-\xff']);
      expect(result.problems).toEqual([{ path: 'b-\xff', message: 'cannot list folder (ENOTDIR)' }]);
    }
  });

  it('throws when the root itself cannot be listed', () => {
    root = tempDir();
    fs.writeFileSync(`${root}/file`, 'x');
    expect(() => scanTreePacked(toByteString(`${root}/file`))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(() => scanTreePacked(toByteString(`${root}/missing-\u00e9`))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
