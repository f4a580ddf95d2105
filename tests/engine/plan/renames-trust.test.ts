/**
 * A move never puts stale contents under a name (issue 14). Renames are found from the record by inode without
 * reading, but two histories look like a rename to the metadata: a file deleted and another created on the inode
 * number ext4 just freed (same size and mtime: a restore, `cp -p`), told apart by the birth time; and a file
 * rewritten in place with its size and mtime restored, then renamed, told apart only by its contents, since its
 * ctime moved as a rename's does. A folder rename still reads no file contents at all.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePair, type Pair } from '../../helpers/pair.js';

let pair: Pair;
afterEach(() => pair?.cleanup());

/** Bytes that differ from `seed`'s in every block. */
function content(seed: number, size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) bytes.writeUInt32LE((seed * 2654435761 + i) >>> 0, i);
  return bytes;
}

function stamp(file: string, seconds: number): void {
  fs.utimesSync(file, seconds, seconds);
}

describe('a rename found from the record', () => {
  it('a file deleted and another created on the same inode, size and mtime is copied, not moved over the old contents', async () => {
    pair = makePair();
    fs.writeFileSync(path.join(pair.source, 'old.bin'), content(1, 300_000));
    stamp(path.join(pair.source, 'old.bin'), 1_700_000_000);
    await pair.sync();
    const freed = fs.statSync(path.join(pair.source, 'old.bin')).ino;
    fs.rmSync(path.join(pair.source, 'old.bin'));
    // ext4 hands freed numbers out again at once, lowest first: fill the lower free ones until the new file gets it.
    const fillers: string[] = [];
    let reused = false;
    for (let attempt = 0; attempt < 200 && !reused; attempt += 1) {
      const filler = path.join(pair.source, `filler-${attempt}`);
      fs.writeFileSync(filler, content(2, 300_000));
      reused = fs.statSync(filler).ino === freed;
      if (reused) fs.renameSync(filler, path.join(pair.source, 'new.bin'));
      else fillers.push(filler);
    }
    for (const filler of fillers) fs.rmSync(filler);
    expect(reused, 'the file system reused the inode number').toBe(true);
    stamp(path.join(pair.source, 'new.bin'), 1_700_000_000);
    const { summary, ops } = await pair.sync();
    expect(ops).toContain('copy new.bin');
    expect(summary.moved).toBe(0);
    // The birth time told them apart before any read: the only bytes read are the copy's.
    expect(summary.stats!.bytesRead).toBe(300_000);
    pair.expectMirror();
  });

  it.each([
    ['a small file', 20_000],
    ['a large file (compared on a sample)', 8 << 20],
  ])('%s rewritten in place with its size and mtime restored, then renamed, ends with its new contents', async (_what, size) => {
    pair = makePair();
    const before = path.join(pair.source, 'a.bin');
    fs.writeFileSync(before, content(1, size));
    stamp(before, 1_700_000_000);
    await pair.sync();
    // In place: same inode, same birth time; the mtime put back as cp -p or tar would.
    const fd = fs.openSync(before, 'r+');
    fs.writeSync(fd, content(3, size), 0, size, 0);
    fs.closeSync(fd);
    stamp(before, 1_700_000_000);
    fs.renameSync(before, path.join(pair.source, 'b.bin'));
    const { summary, ops } = await pair.sync();
    expect(ops.sort()).toEqual(['copy b.bin', 'delete a.bin']);
    expect(summary.moved).toBe(0);
    pair.expectMirror();
    expect(fs.readFileSync(path.join(pair.replica, 'b.bin')).equals(content(3, size))).toBe(true);
  });

  it('a plain rename is a move that reads at most a bounded sample of the file; a folder rename reads nothing', async () => {
    pair = makePair();
    const size = 24 << 20;
    fs.mkdirSync(path.join(pair.source, 'big'));
    for (let i = 0; i < 3; i += 1) fs.writeFileSync(path.join(pair.source, 'big', `f${i}.bin`), content(i, size));
    await pair.sync();
    for (let i = 0; i < 3; i += 1) fs.renameSync(path.join(pair.source, 'big', `f${i}.bin`), path.join(pair.source, 'big', `g${i}.bin`));
    const files = await pair.sync();
    expect(files.summary).toMatchObject({ moved: 3, copied: 0 });
    // 16 blocks of 64 KiB from each side of each file.
    expect(files.summary.stats!.bytesRead).toBe(3 * 2 * 16 * 64 * 1024);
    pair.expectMirror();
    fs.renameSync(path.join(pair.source, 'big'), path.join(pair.source, 'renamed'));
    const folder = await pair.sync();
    expect(folder.summary).toMatchObject({ moved: 1, copied: 0 });
    expect(folder.summary.stats!.bytesRead).toBe(0);
    pair.expectMirror();
  });
});

describe('a replica copy the record does not vouch for', () => {
  it('copied by a run killed before it saved its record, then the source rewritten in place with size and mtime put back: copied again', async () => {
    pair = makePair();
    const file = path.join(pair.source, 'a.bin');
    fs.writeFileSync(file, 'same');
    fs.writeFileSync(path.join(pair.source, 'b.bin'), 'kept');
    stamp(file, 1_700_000_000);
    stamp(path.join(pair.source, 'b.bin'), 1_700_000_000);
    await pair.sync();
    // A SIGKILL after the copies and before the record's rename leaves the copies and no record.
    fs.rmSync(pair.state, { recursive: true });
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, 'xxxx', 0);
    fs.closeSync(fd);
    stamp(file, 1_700_000_000);
    const run = await pair.sync();
    expect(run.ops).toEqual(['update a.bin']);
    expect(fs.readFileSync(path.join(pair.replica, 'a.bin'), 'utf8')).toBe('xxxx');
    pair.expectMirror();
  });

  it('made after the source last changed (an adopted replica, cp -a) is kept as it is: nothing read, nothing copied', async () => {
    pair = makePair();
    fs.writeFileSync(path.join(pair.source, 'a.bin'), content(3, 100_000));
    stamp(path.join(pair.source, 'a.bin'), 1_700_000_000);
    fs.cpSync(pair.source, pair.replica, { recursive: true, preserveTimestamps: true });
    const run = await pair.sync();
    expect(run.summary).toMatchObject({ copied: 0, updated: 0 });
    expect(run.summary.stats!.bytesRead).toBe(0);
    pair.expectMirror();
  });
});
