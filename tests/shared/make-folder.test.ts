import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeFolder } from '../../main/shared/make-folder.js';
import { tempDir } from '../helpers/tree.js';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});

describe('makeFolder', () => {
  it('makes every missing folder, and accepts one that exists', () => {
    root = tempDir();
    const deep = path.join(root, 'a', 'b', 'c');
    makeFolder(deep);
    makeFolder(deep);
    expect(fs.statSync(deep).isDirectory()).toBe(true);
  });

  it('throws at once where the file system refuses (Node\'s recursive mkdir loops for ever in /proc)', () => {
    const started = Date.now();
    expect(() => makeFolder('/proc/folder-sync-test/x')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('names a file in the way', () => {
    root = tempDir();
    fs.writeFileSync(path.join(root, 'f'), 'x');
    expect(() => makeFolder(path.join(root!, 'f', 'sub'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
