import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, validatePair } from '../../../main/engine/run/sync.js';
import { pruneTrash, TRASH_MARKER } from '../../../main/engine/execute/trash.js';
import { Tree } from '../../../main/engine/fs/tree.js';
import { makePair, type Pair } from '../../helpers/pair.js';
import { writeTree } from '../../helpers/tree.js';

let pair: Pair;
afterEach(() => pair?.cleanup());

function trashFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const stamp of fs.readdirSync(dir)) {
    const walk = (rel: string): void => {
      const abs = path.join(dir, stamp, rel);
      if (rel === TRASH_MARKER) return;
      if (fs.lstatSync(abs).isDirectory()) for (const n of fs.readdirSync(abs)) walk(rel ? `${rel}/${n}` : n);
      else out[rel] = fs.readFileSync(abs, 'utf8');
    };
    walk('');
  }
  return out;
}

describe('--trash', () => {
  it('keeps deleted and overwritten replica files in a dated folder, with their paths', async () => {
    pair = makePair();
    const trash = { dir: path.join(pair.root, 'trash'), keepDays: 30 };
    writeTree(pair.source, { 'keep.txt': 'k', 'gone/old.txt': 'old', 'edit.txt': 'version 1' });
    await pair.sync({ trash });
    fs.rmSync(path.join(pair.source, 'gone'), { recursive: true });
    fs.writeFileSync(path.join(pair.source, 'edit.txt'), 'version 2, longer');
    const { summary } = await pair.sync({ trash });
    expect(summary).toMatchObject({ status: 'ok', deleted: 2, updated: 1 });
    pair.expectMirror();
    expect(trashFiles(trash.dir)).toEqual({ 'gone/old.txt': 'old', 'edit.txt': 'version 1' });
    expect(fs.readdirSync(trash.dir)[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
  });

  it('nothing is put in the trash when nothing is deleted or overwritten', async () => {
    pair = makePair();
    const trash = { dir: path.join(pair.root, 'trash'), keepDays: 30 };
    writeTree(pair.source, { 'a.txt': 'A' });
    await pair.sync({ trash });
    await pair.sync({ trash });
    expect(fs.existsSync(trash.dir)).toBe(false);
  });

  it('prunes only the dated folders it made (marked) older than the limit; a user folder named like one stays', () => {
    pair = makePair();
    const dir = path.join(pair.root, 'trash');
    for (const name of ['2026-01-01T00-00-00Z', '2026-11-20T10-00-00Z', '2026-01-01T00-00-00Z~2', 'my notes', '2025-06-01T00-00-00Z']) {
      fs.mkdirSync(path.join(dir, name), { recursive: true });
      fs.writeFileSync(path.join(dir, name, 'photo.jpg'), 'mine');
      if (name !== 'my notes' && name !== '2025-06-01T00-00-00Z') fs.writeFileSync(path.join(dir, name, TRASH_MARKER), '');
    }
    // A link named like an old dated folder, pointing at one of the user's folders: never followed, never removed.
    fs.symlinkSync(path.join(dir, 'my notes'), path.join(dir, '2025-01-01T00-00-00Z'));
    const tree = Tree.open(dir);
    try {
      const removed = pruneTrash(tree, 30, new Date('2026-11-25T00:00:00Z'));
      expect(removed.sort()).toEqual(['2026-01-01T00-00-00Z', '2026-01-01T00-00-00Z~2']);
    } finally {
      tree.close();
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['2025-01-01T00-00-00Z', '2025-06-01T00-00-00Z', '2026-11-20T10-00-00Z', 'my notes']);
    expect(fs.readFileSync(path.join(dir, 'my notes', 'photo.jpg'), 'utf8')).toBe('mine');
    expect(fs.readFileSync(path.join(dir, '2025-06-01T00-00-00Z', 'photo.jpg'), 'utf8')).toBe('mine');
  });

  it.each([
    ['inside the replica', (p: Pair) => path.join(p.replica, 'trash'), 'overlaps the replica'],
    ['the replica itself', (p: Pair) => p.replica, 'overlaps the replica'],
    ['holding the replica', (p: Pair) => p.root, 'overlaps the replica'],
    ['inside the source', (p: Pair) => path.join(p.source, 'trash'), 'inside the source'],
  ])('a trash folder %s is refused', async (_name, dirOf, message) => {
    pair = makePair();
    const options = { source: pair.source, replica: pair.replica, trash: { dir: dirOf(pair), keepDays: 1 } };
    await expect(validatePair(options)).rejects.toThrow(ConfigError);
    await expect(validatePair(options)).rejects.toThrow(message);
  });

  it('a trash folder that holds the source is refused: pruning it could remove the source', async () => {
    pair = makePair();
    const source = path.join(pair.root, 'mine', '2020-01-01T00-00-00Z');
    fs.mkdirSync(source, { recursive: true });
    fs.writeFileSync(path.join(source, 'a.txt'), 'a');
    const options = { source, replica: pair.replica, trash: { dir: path.join(pair.root, 'mine'), keepDays: 1 } };
    await expect(validatePair(options)).rejects.toThrow('holds the source');
  });
});
