import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { toByteString } from '../../../main/engine/fs/paths.js';
import { loadRecord, recordFileFor } from '../../../main/engine/record/record-file.js';
import { scanTreePacked } from '../../../main/engine/scan/packed.js';
import { tableScan } from '../../../main/engine/scan/packed.js';
import { RecordSnapshot } from '../../../main/engine/snapshot/record-snapshot.js';
import { ScanSnapshot } from '../../../main/engine/snapshot/snapshot.js';
import { caseKey } from '../../../main/engine/fs/names.js';
import { triage, unsettledEntries, type TriageOptions } from '../../../main/engine/plan/triage.js';
import { makePair, type Pair } from '../../helpers/pair.js';
import { writeTree } from '../../helpers/tree.js';

let pair: Pair;
afterEach(() => pair.cleanup());

/** Syncs a small tree, applies `change`, then reports which paths triage leaves to the planner. */
async function unsettledAfter(change: (p: Pair) => void, options: TriageOptions = { modes: true, enabled: true }): Promise<{ source: string[]; replica: string[]; record: string[]; settledFiles: number }> {
  pair = makePair();
  writeTree(pair.source, { 'a.txt': 'aaaa', 'dir/b.txt': 'bbbb', 'dir/sub/c.txt': 'cc', link: { link: 'a.txt' }, 'z/empty.txt': '' });
  await pair.sync();
  change(pair);
  const source = tableScan(scanTreePacked(toByteString(pair.source))).table;
  const replica = tableScan(scanTreePacked(toByteString(pair.replica))).table;
  const { record } = loadRecord(recordFileFor(pair.state, pair.source, pair.replica), pair.source, pair.replica);
  const t = triage(source, replica, record.table, options);
  // Copies lose the texts the lists were split from, so rows are matched by comparing paths: same answer.
  const copy = (table: ScanSnapshot): ScanSnapshot => new ScanSnapshot([...table.paths], table.rows, table.numbers, table.small, table.targets);
  const { table: rec } = record;
  const recordCopy = new RecordSnapshot([...rec.paths], rec.rows, rec.numbers, rec.small, rec.hashes);
  expect(triage(copy(source), copy(replica), recordCopy, options)).toEqual(t);
  const rest = unsettledEntries(t, source, replica, record.table);
  return { source: [...rest.source.keys()], replica: [...rest.replica.keys()], record: [...rest.record.keys()], settledFiles: t.settledFiles };
}

const rel = (p: Pair, side: 'source' | 'replica', name: string): string => path.join(p[side], name);

describe('triage', () => {
  it('settles every entry of a pair the last run left in sync', async () => {
    expect(await unsettledAfter(() => undefined)).toEqual({ source: [], replica: [], record: [], settledFiles: 4 });
  });

  it('settles nothing when disabled (--checksum, a fresh probe)', async () => {
    const rest = await unsettledAfter(() => undefined, { modes: true, enabled: false });
    expect(rest.source).toHaveLength(8);
    expect(rest.replica).toHaveLength(8);
    expect(rest.record).toHaveLength(8);
  });

  it.each([
    ['a source file rewritten with its size and mtime kept (ctime)', (p: Pair) => {
      const file = rel(p, 'source', 'dir/b.txt');
      const { mtime } = fs.statSync(file);
      fs.writeFileSync(file, 'BBBB');
      fs.utimesSync(file, mtime, mtime);
    }, ['dir/b.txt']],
    ['a source file replaced by another of equal size and mtime (inode)', (p: Pair) => {
      const file = rel(p, 'source', 'dir/b.txt');
      const { mtime } = fs.statSync(file);
      fs.writeFileSync(`${file}.new`, 'BBBB');
      fs.utimesSync(`${file}.new`, mtime, mtime);
      fs.renameSync(`${file}.new`, file);
      fs.utimesSync(path.dirname(file), fs.statSync(path.dirname(file)).mtime, fs.statSync(path.dirname(file)).mtime);
    }, ['dir', 'dir/b.txt']],
    ['a replica file edited behind our back (replica mtime)', (p: Pair) => {
      fs.utimesSync(rel(p, 'replica', 'dir/sub/c.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    }, ['dir/sub/c.txt']],
    ['a replica file chmodded', (p: Pair) => fs.chmodSync(rel(p, 'replica', 'a.txt'), 0o600), ['a.txt']],
    ['a source folder chmodded', (p: Pair) => fs.chmodSync(rel(p, 'source', 'z'), 0o700), ['z']],
    ['a replica symlink retargeted', (p: Pair) => {
      const link = rel(p, 'replica', 'link');
      const { mtime } = fs.lstatSync(link);
      fs.unlinkSync(link);
      fs.symlinkSync('dir', link);
      fs.lutimesSync(link, mtime, mtime);
      const root = fs.statSync(p.replica);
      fs.utimesSync(p.replica, root.atime, root.mtime);
    }, ['link']],
  ])('leaves to the planner %s, and nothing else', async (_what, change, expected) => {
    const rest = await unsettledAfter(change);
    expect(rest.source).toEqual(expected);
    expect(rest.replica).toEqual(expected);
    expect(rest.record).toEqual(expected);
  });

  it('leaves new, deleted and replica-only entries to the planner', async () => {
    const rest = await unsettledAfter((p) => {
      fs.writeFileSync(rel(p, 'source', 'dir/new.txt'), 'n');
      fs.rmSync(rel(p, 'source', 'z'), { recursive: true });
      fs.writeFileSync(rel(p, 'replica', 'dir/sub/extra'), 'x');
    });
    // Folders whose listing changed have new mtimes: dir in the source, dir/sub in the replica.
    expect(rest.source).toEqual(['dir', 'dir/new.txt', 'dir/sub']);
    expect(rest.replica).toEqual(['dir', 'z', 'dir/sub', 'dir/sub/extra', 'z/empty.txt']);
    expect(rest.record).toEqual(['dir', 'z', 'dir/sub', 'z/empty.txt']);
  });

  it('on a case-insensitive replica, leaves names that fold alike in one folder, and all below them, to the planner', async () => {
    const rest = await unsettledAfter(
      (p) => {
        fs.writeFileSync(rel(p, 'source', 'A.TXT'), 'other');
        fs.mkdirSync(rel(p, 'source', 'DIR'));
        fs.writeFileSync(rel(p, 'source', 'DIR/q'), 'q');
      },
      { modes: true, enabled: true, fold: caseKey },
    );
    expect(rest.source).toEqual(['A.TXT', 'DIR', 'a.txt', 'dir', 'DIR/q', 'dir/b.txt', 'dir/sub', 'dir/sub/c.txt']);
    expect(rest.replica).toEqual(['a.txt', 'dir', 'dir/b.txt', 'dir/sub', 'dir/sub/c.txt']);
    expect(rest.settledFiles).toBe(1); // z/empty.txt
  });
});
