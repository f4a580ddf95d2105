/**
 * The copy pool on real worker threads: a worker that dies mid-run costs the files of its batch (failed, so the
 * next run copies them), never a hang; a large file's bytes are told while it is copied; where the addon is
 * loaded, small files are copied on libuv's pool without starting a worker.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CopyJob, CopyOutcome, CopyTrees } from '../../../main/engine/execute/copy-file.js';
import { Tree } from '../../../main/engine/fs/tree.js';
import { createCopyPool } from '../../../main/engine/execute/copy-pool.js';
import { addon } from '../fs/backends.js';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-sync-pool-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.mkdirSync(path.join(root, 'rep'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function jobFor(name: string): CopyJob {
  const stat = fs.statSync(path.join(root, 'src', name));
  return {
    rel: name,
    temp: `.~folder-sync.t-${name}`,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
    ino: stat.ino,
    birthtimeMs: stat.birthtimeMs,
    mode: stat.mode & 0o7777,
    setMode: true,
    tolerance: 0.002,
    keepReplaced: false,
  };
}

/** The run's trees, opened for a test and closed after it. */
function openTrees(): CopyTrees {
  const trees = { source: Tree.open(path.join(root, 'src')), replica: Tree.open(path.join(root, 'rep')) };
  opened.push(trees.source, trees.replica);
  return trees;
}

const opened: Tree[] = [];
afterEach(() => {
  for (const tree of opened.splice(0)) tree.close();
});

const DIST_WORKER = path.resolve('dist/main/engine/execute/copy-worker.js');

describe('the copy pool', () => {
  it('a worker that dies mid-run fails the files of its batch and the run goes on to the end', async () => {
    const names = Array.from({ length: 400 }, (_, i) => `f${i}.txt`);
    for (const name of names) fs.writeFileSync(path.join(root, 'src', name), name);
    const pool = createCopyPool(names.length, openTrees(), new URL('../../helpers/dying-copy-worker.mjs', import.meta.url));
    const outcomes = new Map<string, CopyOutcome>();
    try {
      await pool.run({ items: names, jobOf: jobFor }, { done: (name, outcome) => outcomes.set(name, outcome), shouldStop: () => false });
    } finally {
      await pool.close();
    }
    expect(outcomes.size).toBe(names.length);
    const lost = [...outcomes].filter(([, o]) => !o.ok);
    // Each of the workers died with one batch; everything else was copied, by the workers first, then here.
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every(([, o]) => !o.ok && o.lost === true && /copy worker stopped \(exit code 7\)/.test(o.message))).toBe(true);
    for (const [name, o] of outcomes) expect(fs.existsSync(path.join(root, 'rep', name))).toBe(o.ok);
    expect(fs.readdirSync(path.join(root, 'rep')).filter((n) => n.startsWith('.~folder-sync.'))).toEqual([]);
  });

  it('tells the bytes of a large file while a worker copies it', async () => {
    // The built pool, whose worker script sits beside it (from sources there is none, and it copies in this thread).
    expect(fs.existsSync(DIST_WORKER), 'npm run build first').toBe(true);
    const built = (await import(pathToFileURL(path.join(path.dirname(DIST_WORKER), 'copy-pool.js')).href)) as typeof import('../../../main/engine/execute/copy-pool.js');
    const names = ['big.bin', ...Array.from({ length: 9 }, (_, i) => `s${i}`)];
    fs.writeFileSync(path.join(root, 'src', 'big.bin'), Buffer.alloc(48 << 20, 7));
    for (const name of names.slice(1)) fs.writeFileSync(path.join(root, 'src', name), name);
    const pool = built.createCopyPool(names.length, openTrees());
    const told: Array<[string, number]> = [];
    try {
      await pool.run(
        { items: names, jobOf: jobFor },
        { done: (_name, outcome) => expect(outcome.ok).toBe(true), bytes: (name, bytes) => told.push([name, bytes]), shouldStop: () => false },
      );
    } finally {
      await pool.close();
    }
    expect(told.length).toBeGreaterThan(0);
    expect(told.every(([name, bytes]) => name === 'big.bin' && bytes > 0 && bytes <= 48 << 20)).toBe(true);
  });

  it.skipIf(addon === undefined)('with the addon, copies small files without starting a worker thread', async () => {
    expect(fs.existsSync(DIST_WORKER), 'npm run build first').toBe(true);
    const built = (await import(pathToFileURL(path.join(path.dirname(DIST_WORKER), 'copy-pool.js')).href)) as typeof import('../../../main/engine/execute/copy-pool.js');
    const names = Array.from({ length: 200 }, (_, i) => `f${i}.txt`);
    for (const name of names) fs.writeFileSync(path.join(root, 'src', name), name.repeat(100));
    // libuv's pool threads start at its first use: started here, so only a worker could add threads below.
    await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(root)));
    const threads = (): number => fs.readdirSync('/proc/self/task').length;
    const before = threads();
    let most = before;
    const pool = built.createCopyPool(names.length, openTrees());
    try {
      await pool.run(
        { items: names, jobOf: jobFor },
        {
          done: (_name, outcome) => {
            expect(outcome.ok).toBe(true);
            most = Math.max(most, threads());
          },
          shouldStop: () => false,
        },
      );
    } finally {
      await pool.close();
    }
    expect(most).toBe(before);
    for (const name of names) expect(fs.readFileSync(path.join(root, 'rep', name), 'utf8')).toBe(name.repeat(100));
  });

  it.skipIf(addon === undefined)('with the addon, a run of more copies than it takes on goes to worker threads', async () => {
    expect(fs.existsSync(DIST_WORKER), 'npm run build first').toBe(true);
    const built = (await import(pathToFileURL(path.join(path.dirname(DIST_WORKER), 'copy-pool.js')).href)) as typeof import('../../../main/engine/execute/copy-pool.js');
    const names = Array.from({ length: 64 }, (_, i) => `f${i}.txt`);
    for (const name of names) fs.writeFileSync(path.join(root, 'src', name), name.repeat(100));
    await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(root)));
    const threads = (): number => fs.readdirSync('/proc/self/task').length;
    const before = threads();
    let most = before;
    // The count is what the run says it will copy (a first mirror's); these few stand for it.
    const pool = built.createCopyPool(built.NATIVE_COPIES_UP_TO + 1, openTrees());
    try {
      await pool.run({ items: names, jobOf: jobFor }, { done: () => (most = Math.max(most, threads())), shouldStop: () => false });
    } finally {
      await pool.close();
    }
    expect(most).toBeGreaterThan(before);
    for (const name of names) expect(fs.readFileSync(path.join(root, 'rep', name), 'utf8')).toBe(name.repeat(100));
  });
});
