/**
 * Hostile names and trees (issue 5): odd and invalid-UTF-8 names, 255-byte names, 100-level nesting, paths over
 * PATH_MAX, symlink loops and links out of the tree, FIFOs, hard links, sparse files, and a record edited to
 * point outside the replica. Nothing may crash, hang, or write or delete outside the replica.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Tree } from '../../main/engine/fs/tree.js';
import { recordFileFor } from '../../main/engine/record/record-file.js';
import { editRecordPaths } from '../helpers/record-edit.js';
import { makePair, type Pair } from '../helpers/pair.js';
import { ctimes, describeTree } from '../helpers/tree.js';

let pair: Pair;
afterEach(() => pair?.cleanup());

const b = (text: string): Buffer => Buffer.from(text, 'latin1');

/** A folder beside source and replica that nothing may touch. */
function sentinel(): { dir: string; untouched(): void } {
  const dir = path.join(pair.root, 'outside');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'victim'), 'do not touch');
  const before = ctimes(dir);
  return { dir, untouched: () => expect(ctimes(dir)).toEqual(before) };
}

describe('hostile names', () => {
  it('mirrors names with newlines, ;, ^^^, invalid UTF-8 and 255 bytes', async () => {
    pair = makePair();
    const src = Buffer.from(pair.source).toString('latin1');
    const names = ['new\nline', 'semi;colon', '^^^', 'tab\there', '-rf', ' lead', 'trail ', '..dots', 'x'.repeat(255), 'caf\xe9', '\xff\xfe', 'ok\xc3\x28'];
    for (const name of names) fs.writeFileSync(b(`${src}/${name}`), name);
    fs.mkdirSync(b(`${src}/d\xff`));
    fs.writeFileSync(b(`${src}/d\xff/${'y'.repeat(255)}`), 'deep');
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ status: 'ok', errors: 0, copied: names.length + 1 });
    pair.expectMirror();
    // Renames among such names are moves, not copies.
    fs.renameSync(b(`${src}/\xff\xfe`), b(`${src}/d\xff/\xfe\xff`));
    const again = await pair.sync();
    expect(again.summary).toMatchObject({ status: 'ok', moved: 1, copied: 0 });
    pair.expectMirror();
  });

  it('mirrors 100 levels of nesting', async () => {
    pair = makePair();
    const deep = path.join(pair.source, ...Array.from({ length: 100 }, (_, i) => `level${i}`));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'bottom.txt'), 'bottom');
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', created: 100, copied: 1 });
    pair.expectMirror();
    fs.rmSync(path.join(pair.source, 'level0'), { recursive: true });
    fs.writeFileSync(path.join(pair.source, 'keep.txt'), 'keep');
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', deleted: 101 });
    pair.expectMirror();
  });

  it('paths over PATH_MAX (4096 bytes) are mirrored too (every call names one component below a descriptor), and no crash', async () => {
    pair = makePair();
    const outside = sentinel();
    // Built by renames: no single call ever names a path over 4096 bytes.
    const part = 'p'.repeat(250);
    const chain = (root: string, depth: number): string => {
      const deep = path.join(root, ...Array.from({ length: depth }, () => part));
      fs.mkdirSync(deep, { recursive: true });
      return deep;
    };
    const upper = chain(path.join(pair.source, 'long'), 12); // ~3000 bytes
    const lowerRoot = path.join(pair.root, 'tmp-lower');
    const lower = chain(lowerRoot, 6);
    fs.writeFileSync(path.join(lower, 'too-deep.txt'), 'beyond PATH_MAX');
    fs.renameSync(path.join(lowerRoot, part), path.join(upper, part));
    fs.writeFileSync(path.join(pair.source, 'fine.txt'), 'fine');
    const deepRel = ['long', ...Array.from({ length: 18 }, () => part), 'too-deep.txt'].join('/');
    expect(Buffer.byteLength(path.join(pair.replica, deepRel))).toBeGreaterThan(4096);
    try {
      const first = await pair.sync();
      expect(first.summary).toMatchObject({ status: 'ok', errors: 0 });
      expect(fs.readFileSync(path.join(pair.replica, 'fine.txt'), 'utf8')).toBe('fine');
      const replica = Tree.open(pair.replica);
      try {
        const fd = replica.openRead(deepRel);
        expect(fs.readFileSync(fd, 'utf8')).toBe('beyond PATH_MAX');
        fs.closeSync(fd);
      } finally {
        replica.close();
      }
      // A second run finds it all in place: nothing copied, nothing deleted.
      const second = await pair.sync();
      expect(second.summary).toMatchObject({ copied: 0, deleted: 0, errors: 0 });
    } finally {
      // rm cannot reach below PATH_MAX: bring the source's deep part back up, and remove the replica's by descriptors.
      fs.renameSync(path.join(upper, part), path.join(lowerRoot, part));
      const replica = Tree.open(pair.replica);
      replica.removeAll('long');
      replica.close();
    }
    outside.untouched();
  });
});

describe('hostile trees', () => {
  it('symlink loops and links out of the tree are copied as links, never followed', async () => {
    pair = makePair();
    const outside = sentinel();
    fs.symlinkSync('loop-b', path.join(pair.source, 'loop-a'));
    fs.symlinkSync('loop-a', path.join(pair.source, 'loop-b'));
    fs.symlinkSync('self', path.join(pair.source, 'self'));
    fs.mkdirSync(path.join(pair.source, 'd'));
    fs.symlinkSync('..', path.join(pair.source, 'd', 'up'));
    fs.symlinkSync('.', path.join(pair.source, 'd', 'here'));
    fs.symlinkSync(outside.dir, path.join(pair.source, 'out-abs'));
    fs.symlinkSync('../outside/victim', path.join(pair.source, 'out-rel'));
    const { summary } = await pair.sync();
    expect(summary).toMatchObject({ status: 'ok', errors: 0 });
    pair.expectMirror();
    expect(fs.readlinkSync(path.join(pair.replica, 'out-abs'))).toBe(outside.dir);
    // The source turns the links into real folders and files: the replica's links are replaced, not written through.
    for (const name of ['out-abs', 'out-rel']) {
      fs.rmSync(path.join(pair.source, name));
      fs.mkdirSync(path.join(pair.source, name));
      fs.writeFileSync(path.join(pair.source, name, 'victim'), 'replaced');
    }
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', errors: 0 });
    pair.expectMirror();
    outside.untouched();
  });

  it('a replica folder swapped for a link out of the tree is replaced, never written through', async () => {
    pair = makePair();
    const outside = sentinel();
    fs.mkdirSync(path.join(pair.source, 'd'));
    fs.writeFileSync(path.join(pair.source, 'd', 'victim'), 'mine');
    await pair.sync();
    fs.rmSync(path.join(pair.replica, 'd'), { recursive: true });
    fs.symlinkSync(outside.dir, path.join(pair.replica, 'd'));
    fs.writeFileSync(path.join(pair.source, 'd', 'victim'), 'mine, changed');
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', errors: 0 });
    pair.expectMirror();
    outside.untouched();
  });

  it('a replica file to delete that became a folder after the scan is left alone, and the other deletions go on', async () => {
    pair = makePair();
    const names = Array.from({ length: 40 }, (_, i) => `old-${i}.txt`);
    for (const name of names) fs.writeFileSync(path.join(pair.source, name), name);
    await pair.sync();
    for (const name of names) fs.rmSync(path.join(pair.source, name));
    const swapped = path.join(pair.replica, 'old-7.txt');
    const { summary, events } = await pair.sync({
      allowEmptySource: true,
      onEvent(event) {
        if (event.type !== 'plan') return;
        fs.rmSync(swapped);
        fs.mkdirSync(swapped);
        fs.writeFileSync(path.join(swapped, 'someone-elses.txt'), 'keep');
      },
    });
    expect(summary).toMatchObject({ status: 'partial', errors: 1, deleted: 39 });
    expect(summary.failures).toEqual([{ path: 'old-7.txt', message: expect.stringContaining('found a folder') }]);
    expect(events).toContainEqual(expect.objectContaining({ type: 'op', op: 'error', path: 'old-7.txt', detail: expect.stringContaining('found a folder') }));
    expect(fs.readdirSync(pair.replica)).toEqual(['old-7.txt']);
    expect(fs.readFileSync(path.join(swapped, 'someone-elses.txt'), 'utf8')).toBe('keep');
    // The next run sees the folder for what it is: not in the source, so it goes.
    expect((await pair.sync({ allowEmptySource: true })).summary).toMatchObject({ status: 'ok', errors: 0 });
    expect(fs.readdirSync(pair.replica)).toEqual([]);
  });

  it('FIFOs are skipped, also one swapped in for a file after the scan: no hang', async () => {
    pair = makePair();
    execFileSync('mkfifo', [path.join(pair.source, 'pipe')]);
    fs.writeFileSync(path.join(pair.source, 'file.txt'), 'x');
    fs.writeFileSync(path.join(pair.source, 'becomes-fifo.txt'), 'y');
    const first = await pair.sync({
      onEvent(event) {
        if (event.type !== 'plan') return;
        fs.rmSync(path.join(pair.source, 'becomes-fifo.txt'));
        execFileSync('mkfifo', [path.join(pair.source, 'becomes-fifo.txt')]);
      },
    });
    expect(first.summary.copied).toBe(1);
    expect(fs.existsSync(path.join(pair.replica, 'pipe'))).toBe(false);
    expect(fs.existsSync(path.join(pair.replica, 'becomes-fifo.txt'))).toBe(false);
    const second = await pair.sync();
    expect(second.summary).toMatchObject({ errors: 0 });
  });

  it('hard links are mirrored as equal files, and renames among them converge', async () => {
    pair = makePair();
    fs.writeFileSync(path.join(pair.source, 'a'), 'shared contents');
    fs.linkSync(path.join(pair.source, 'a'), path.join(pair.source, 'b'));
    fs.mkdirSync(path.join(pair.source, 'sub'));
    fs.linkSync(path.join(pair.source, 'a'), path.join(pair.source, 'sub', 'c'));
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', copied: 3 });
    pair.expectMirror();
    fs.rmSync(path.join(pair.source, 'a'));
    fs.renameSync(path.join(pair.source, 'b'), path.join(pair.source, 'b2'));
    fs.linkSync(path.join(pair.source, 'sub', 'c'), path.join(pair.source, 'd'));
    const second = await pair.sync();
    expect(second.summary).toMatchObject({ status: 'ok', copied: 0 });
    pair.expectMirror();
    // Editing through one link changes every name of the file.
    fs.appendFileSync(path.join(pair.source, 'd'), ' and more');
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', updated: 3 });
    pair.expectMirror();
  });

  it('sparse files are mirrored with correct contents, and stay sparse', async () => {
    pair = makePair();
    const file = path.join(pair.source, 'sparse.img');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, 'head');
    fs.writeSync(fd, 'tail', 48 << 20);
    fs.closeSync(fd);
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', copied: 1 });
    pair.expectMirror();
    const blocks = (p: string): number => fs.statSync(p).blocks * 512;
    // Holes stay holes: a 48 MiB file holding 8 bytes does not fill 48 MiB of the replica.
    expect(blocks(file)).toBeLessThan(1 << 20);
    expect(blocks(path.join(pair.replica, 'sparse.img'))).toBeLessThan(1 << 20);
  });
});

describe('a record edited to point outside the replica', () => {
  it('is refused and rebuilt: nothing outside the replica is written or deleted', async () => {
    pair = makePair();
    const outside = sentinel();
    fs.writeFileSync(path.join(pair.source, 'a.txt'), 'A');
    fs.mkdirSync(path.join(pair.source, 'd'));
    fs.writeFileSync(path.join(pair.source, 'd', 'b.txt'), 'B');
    await pair.sync();
    const file = recordFileFor(pair.state, path.resolve(pair.source), path.resolve(pair.replica));
    const original = fs.readFileSync(file);
    const hostile = [
      '../outside/victim',
      `${outside.dir}/victim`,
      'd/../../outside/victim',
      '../outside',
    ];
    for (const bad of hostile) {
      fs.writeFileSync(file, original);
      editRecordPaths(file, path.resolve(pair.source), path.resolve(pair.replica), (paths) => (paths[0] = bad));
      // The source changes so that the run has work: renames (which trust the record) and a deletion.
      fs.renameSync(path.join(pair.source, 'a.txt'), path.join(pair.source, 'a2.txt'));
      fs.rmSync(path.join(pair.source, 'd', 'b.txt'));
      const run = await pair.sync();
      expect(run.events.some((e) => e.type === 'warning' && e.message.includes('could not be used'))).toBe(true);
      expect(run.summary.status).toBe('ok');
      pair.expectMirror();
      outside.untouched();
      // Back to the starting point for the next hostile path.
      fs.renameSync(path.join(pair.source, 'a2.txt'), path.join(pair.source, 'a.txt'));
      fs.writeFileSync(path.join(pair.source, 'd', 'b.txt'), 'B');
      await pair.sync();
    }
    // Each unusable record was set aside, not deleted: the user can look at it.
    expect(fs.readdirSync(pair.state).filter((n) => n.includes('.corrupt-'))).toHaveLength(hostile.length);
    expect(describeTree(outside.dir)).toEqual({ victim: { kind: 'file', size: 12, hash: expect.any(String) } });
  });
});
