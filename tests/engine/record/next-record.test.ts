import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pathOrder } from '../../../main/engine/snapshot/path-order.js';
import { entriesOf, tableOf } from '../../../main/engine/record/record.js';
import { loadRecord, recordFileFor, saveRecord } from '../../../main/engine/record/record-file.js';
import { makePair, type Pair } from '../../helpers/pair.js';
import { recordV2 } from '../../helpers/record-edit.js';
import { writeTree } from '../../helpers/tree.js';

let pair: Pair;
afterEach(() => pair.cleanup());

const recordFile = (p: Pair): string => recordFileFor(p.state, p.source, p.replica);
const load = (p: Pair) => loadRecord(recordFile(p), p.source, p.replica).record;

describe('the record a run leaves', () => {
  it('takes the new replica mtime of a settled folder the run restamped, so the next run rewrites nothing', async () => {
    pair = makePair();
    writeTree(pair.source, { 'dir/a.txt': 'one', 'dir/b.txt': 'two' });
    await pair.sync();
    // The replica folder's mtime 5 µs off the source's and the record saying so: settled (triage compares with the record).
    // Not 1 µs: utimes rounds through a double, and 1 µs can land on the source's own microsecond.
    const replicaDir = path.join(pair.replica, 'dir');
    const sourceDirMs = fs.statSync(path.join(pair.source, 'dir')).mtimeMs;
    fs.utimesSync(replicaDir, (sourceDirMs + 0.005) / 1000, (sourceDirMs + 0.005) / 1000);
    const record = load(pair);
    const entries = entriesOf(record.table);
    entries.set('dir', { ...entries.get('dir')!, repMtimeMs: fs.statSync(replicaDir).mtimeMs });
    saveRecord(recordFile(pair), { ...record, table: tableOf(entries) }, pair.source, pair.replica);
    expect((await pair.sync()).ops).toEqual([]);
    // An in-place edit leaves the source folder's mtime alone (still settled), but writing the replica copy
    // beside the file and renaming it into place does not: the executor restamps the folder to the source's.
    fs.writeFileSync(path.join(pair.source, 'dir/a.txt'), 'ONE!');
    expect((await pair.sync()).ops).toEqual(['update dir/a.txt']);
    pair.expectMirror();
    expect(fs.statSync(path.join(pair.source, 'dir')).mtimeMs).toBe(sourceDirMs);
    expect(fs.statSync(replicaDir).mtimeMs).not.toBe(entries.get('dir')!.repMtimeMs);
    expect(entriesOf(load(pair).table).get('dir')?.repMtimeMs).toBe(fs.statSync(replicaDir).mtimeMs);
    const saved = fs.statSync(recordFile(pair)).mtimeMs;
    expect((await pair.sync()).ops).toEqual([]);
    expect(fs.statSync(recordFile(pair)).mtimeMs).toBe(saved);
  });

  it('a record stored out of path order (by an older version) is put in order and written anew once, then left alone', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a/x': '1', 'a-b/y': '2', 'c': '3' });
    await pair.sync();
    // Read before the file is written over in place below: a loaded record may be a mapping of the file's pages
    // (record-file.ts), which no writer of ours ever changes in place.
    const before = entriesOf(load(pair).table);
    // As an older version, which kept no order and wrote no checksum, could have written it.
    fs.writeFileSync(recordFile(pair), recordV2([...before].reverse(), pair.source, pair.replica));
    expect(loadRecord(recordFile(pair), pair.source, pair.replica).outdated).toBe(true);
    expect((await pair.sync()).ops).toEqual([]);
    const table = load(pair).table;
    expect(pathOrder(table.paths)).toBeUndefined();
    // It held no traits, so the run probed the replica and planned every entry afresh: birth times learnt again.
    expect(entriesOf(table)).toEqual(before);
    const saved = fs.statSync(recordFile(pair)).mtimeMs;
    await pair.sync();
    expect(fs.statSync(recordFile(pair)).mtimeMs).toBe(saved);
  });

  it('a hash recorded by --checksum does not outlive a rewrite in place that put size and mtime back', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.bin': 'AAAA', 'b.bin': 'keep' });
    // Whole seconds: a time Node can set back exactly (it sets microseconds, the kernel keeps nanoseconds).
    const file = path.join(pair.source, 'a.bin');
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    await pair.sync();
    await pair.sync({ checksum: true }); // compares both sides by hash, and records the hashes
    const hashed = entriesOf(load(pair).table);
    expect(hashed.get('a.bin')?.hash).toBeDefined();
    // cp -p onto the file: same inode, birth time, size and mtime; the ctime and the contents moved.
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, 'BBBB', 0);
    fs.closeSync(fd);
    fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
    expect((await pair.sync()).ops).toEqual(['update a.bin']);
    pair.expectMirror();
    // The record vouches for the replica's contents by that hash (renames found by content trust it): the old
    // contents' hash must be gone. An unchanged file keeps its own.
    const after = entriesOf(load(pair).table);
    expect(after.get('a.bin')?.hash).toBeUndefined();
    expect(after.get('b.bin')?.hash).toBe(hashed.get('b.bin')?.hash);
  });
});
