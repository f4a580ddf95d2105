/** Test helpers: build trees from a description and describe trees on disk, byte-exact (names as latin1). */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

export interface TreeEntry {
  readonly kind: 'file' | 'dir' | 'symlink' | 'other';
  readonly mode?: number;
  readonly mtimeMs?: number;
  readonly size?: number;
  readonly hash?: string;
  readonly target?: string;
}

export function tempDir(prefix = 'fs-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function buf(p: string): Buffer {
  return Buffer.from(p, 'latin1');
}

/** Every entry below `root` (root excluded), keyed by relative byte-string path. */
export function describeTree(root: string, options: { mtimes?: boolean; modes?: boolean } = {}): Record<string, TreeEntry> {
  const out: Record<string, TreeEntry> = {};
  const rootBytes = Buffer.from(root).toString('latin1');
  const walk = (rel: string): void => {
    const abs = rel === '' ? rootBytes : `${rootBytes}/${rel}`;
    for (const nameBuf of fs.readdirSync(buf(abs), { encoding: 'buffer' })) {
      const name = nameBuf.toString('latin1');
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const childAbs = `${rootBytes}/${childRel}`;
      // The mtime to the nanosecond, in ms: mirrors are compared to within a few µs (asMirrored).
      const st = fs.lstatSync(buf(childAbs), { bigint: true });
      const mtimeMs = Number(st.mtimeNs) / 1e6;
      const common = {
        ...(options.modes ? { mode: Number(st.mode & 0o7777n) } : {}),
        ...(options.mtimes ? { mtimeMs } : {}),
      };
      if (st.isDirectory()) {
        out[childRel] = { kind: 'dir', ...common };
        walk(childRel);
      } else if (st.isSymbolicLink()) {
        out[childRel] = { kind: 'symlink', target: fs.readlinkSync(buf(childAbs), { encoding: 'buffer' }).toString('latin1'), ...(options.mtimes ? { mtimeMs } : {}) };
      } else if (st.isFile()) {
        const hash = createHash('sha1').update(fs.readFileSync(buf(childAbs))).digest('hex');
        out[childRel] = { kind: 'file', size: Number(st.size), hash, ...common };
      } else {
        out[childRel] = { kind: 'other' };
      }
    }
  };
  walk('');
  return out;
}

/**
 * `tree` (describeTree) as a mirror of it must look: the same, but each mtime only within 5 µs. A correct copy's
 * mtime lands up to ~1.3 µs below its source's (Node stamps through a double of seconds, which libuv truncates to
 * the µs), so comparing whole milliseconds split the two whenever a source mtime sat in a millisecond's first µs.
 */
export function asMirrored(tree: Record<string, TreeEntry>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(tree).map(([rel, entry]) => [rel, entry.mtimeMs === undefined ? entry : { ...entry, mtimeMs: expect.closeTo(entry.mtimeMs, 2) }]),
  );
}

/** The replica holds what the source does: names, kinds, sizes, contents, modes and mtimes (within asMirrored's 5 µs). */
export function expectMirrorOf(replica: string, source: string, message?: string): void {
  const options = { mtimes: true, modes: true };
  expect(describeTree(replica, options), message).toEqual(asMirrored(describeTree(source, options)));
}

/** Writes files ("content"), folders (trailing "/") and symlinks ({ link: target }) under root. */
export function writeTree(root: string, spec: Record<string, string | { link: string }>): void {
  for (const [rel, value] of Object.entries(spec)) {
    const abs = path.join(root, rel);
    if (typeof value === 'string' && rel.endsWith('/')) {
      fs.mkdirSync(abs, { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    if (typeof value === 'string') fs.writeFileSync(abs, value);
    else fs.symlinkSync(value.link, abs);
  }
}

/** Every entry's ctime (changes on any write, chmod, utimes or rename) and the root's, to prove nothing was touched. */
export function ctimes(root: string): Record<string, number> {
  const out: Record<string, number> = {};
  const rootBytes = Buffer.from(root).toString('latin1');
  const walk = (rel: string): void => {
    const abs = rel === '' ? rootBytes : `${rootBytes}/${rel}`;
    out[rel] = fs.lstatSync(buf(abs)).ctimeMs;
    if (!fs.lstatSync(buf(abs)).isDirectory()) return;
    for (const n of fs.readdirSync(buf(abs), { encoding: 'buffer' })) walk(rel === '' ? n.toString('latin1') : `${rel}/${n.toString('latin1')}`);
  };
  walk('');
  return out;
}
