import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSafeRelative } from '../../../main/engine/fs/paths.js';
import { entriesOf, tableOf, type RecordEntry } from '../../../main/engine/record/record.js';
import { checkPathText, loadRecord, recordFileFor, saveRecord } from '../../../main/engine/record/record-file.js';
import fc from 'fast-check';
import { dropChecksum, recordV1 } from '../../helpers/record-edit.js';
import { tempDir } from '../../helpers/tree.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const entry = (over: Partial<RecordEntry> = {}): RecordEntry => ({
  kind: 'file', size: 12, mtimeMs: 1_795_596_591_422.9951, ctimeMs: 1_795_596_591_500.125, ino: 123_456_789, mode: 0o644, repMtimeMs: 1_795_596_591_422.995, ...over,
});

describe('the record file', () => {
  it('round-trips every path character and every number bit for bit', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map<string, RecordEntry>([
      ['plain.txt', entry()],
      ['semi;colon^^^/new\nline', entry({ hash: 'abc' })],
      ['bad-\xff\xfe', entry({ kind: 'symlink', size: 0 })],
      ['dir', entry({ kind: 'dir', size: 0, mode: 0o755 })],
    ]);
    saveRecord(file, { table: tableOf(entries), replicaMount: { mountPoint: '/', fsType: 'ext4', source: '/dev/vda' } }, '/src', '/rep');
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.warning).toBeUndefined();
    expect(entriesOf(loaded.record.table)).toEqual(entries);
    expect(loaded.record.replicaMount).toEqual({ mountPoint: '/', fsType: 'ext4', source: '/dev/vda' });
    expect(fs.readdirSync(dir)).toEqual([path.basename(file)]);
  });

  it('round-trips tables whose paths are written in several pieces', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    // 20,001 rows: pieces of 8,192 paths, the last one partial.
    const entries = new Map<string, RecordEntry>(Array.from({ length: 20_001 }, (_, i) => [`d${Math.floor(i / 100)}/f${i}`, entry({ ino: i })]));
    saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.warning).toBeUndefined();
    expect(entriesOf(loaded.record.table)).toEqual(entries);
  });

  it.each([
    ['not JSON', () => '{"format": "folder-sync-record",'],
    ['another format', () => JSON.stringify({ format: 'x' })],
    ['a future version', () => JSON.stringify({ format: 'folder-sync-record', version: 99 })],
    ['another pair', () => JSON.stringify({ format: 'folder-sync-record', version: 1, source: '/elsewhere', replica: '/rep' })],
  ])('%s is set aside and rebuilt', (_name, text) => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    fs.writeFileSync(file, text());
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.record.table.paths.length).toBe(0);
    expect(loaded.warning).toContain('will be rebuilt');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(dir).some((n) => n.includes('.corrupt-'))).toBe(true);
  });

  it.each(['../x', '/etc/passwd', 'a/../../x', 'a//b', './a', 'a/.', '', 'a\0b', 'a/'])('refuses the unsafe path %j', (bad) => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['ok', entry()], [bad, entry()]])) }, '/src', '/rep');
    expect(loadRecord(file, '/src', '/rep').warning).toContain('unsafe or damaged');
  });

  it('damaged number columns are refused', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['ok', entry()]])) }, '/src', '/rep');
    fs.truncateSync(file, fs.statSync(file).size - 8);
    expect(loadRecord(file, '/src', '/rep').warning).toContain('damaged');
  });

  it('a number that is not finite is refused', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['ok', entry({ mtimeMs: Number.NaN })]])) }, '/src', '/rep');
    expect(loadRecord(file, '/src', '/rep').warning).toContain('damaged');
  });

  it('any byte changed after the header fails the checksum', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['a', entry()], ['b', entry({ kind: 'dir', size: 0 })]])) }, '/src', '/rep');
    const good = fs.readFileSync(file);
    const bodyAt = Math.ceil((good.indexOf(10) + 1) / 8) * 8;
    // Every byte of the columns, each changed in a way no other check would notice (a number's low bit, a path's case).
    for (let at = bodyAt; at < good.length; at += 1) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ (bad[at] === 0 ? 0 : 0x20);
      if (bad[at] === good[at]) bad[at] = 1;
      fs.writeFileSync(file, bad);
      expect(loadRecord(file, '/src', '/rep').warning, `byte ${at}`).toContain('checksum');
    }
  });

  it('a record written before the checksum is checked path by path, then flagged to be written anew', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map([['a', entry()], ['a/b', entry()], ['a-b', entry({ kind: 'dir', size: 0 })]]);
    saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
    expect(loadRecord(file, '/src', '/rep').outdated).toBeUndefined();
    dropChecksum(file);
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.warning).toBeUndefined();
    expect(loaded.outdated).toBe(true);
    expect(entriesOf(loaded.record.table)).toEqual(entries);
    // Without the checksum the writer's word on the order is not taken: a repeated path is still found.
    saveRecord(file, { table: { ...tableOf(entries), paths: ['a', 'a', 'a-b'] } }, '/src', '/rep');
    dropChecksum(file);
    expect(loadRecord(file, '/src', '/rep').warning).toContain('unsafe or damaged entry "a"');
  });

  it('a version 1 record (one JSON document) is read, then replaced by the current format', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map([['a', entry()], ['a/b', entry({ hash: undefined })], ['a-b', entry({ kind: 'dir', size: 0 })]]);
    const legacy = file.replace(/\.rec$/, '.json');
    fs.writeFileSync(legacy, recordV1(tableOf(entries), '/src', '/rep'));
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.existed).toBe(true);
    expect(loaded.warning).toBeUndefined();
    expect(entriesOf(loaded.record.table)).toEqual(entries);
    // Flagged outdated, so the run that loaded it saves it anew (sync.ts), which removes the old file.
    expect(loaded.outdated).toBe(true);
    saveRecord(file, loaded.record, '/src', '/rep');
    expect(fs.readdirSync(dir)).toEqual([path.basename(file)]);
    expect(entriesOf(loadRecord(file, '/src', '/rep').record.table)).toEqual(entries);
  });
});

describe('the paths of a record, checked in one pass', () => {
  const piece = fc.constantFrom('a', 'b', '.', '..', '...', '/', '\0', '\xff', ' ');
  const pathLike = fc.array(piece, { maxLength: 6 }).map((parts) => parts.join(''));

  it('accepts exactly the lists in which every path is safe (isSafeRelative) and holds no NUL', () => {
    fc.assert(
      fc.property(fc.array(pathLike, { minLength: 1, maxLength: 5 }), (paths) => {
        const safe = paths.every((rel) => !rel.includes('\0') && isSafeRelative(rel));
        let accepted = true;
        try {
          checkPathText(paths.join('\0'), paths.length);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(safe);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isSafeRelative', () => {
  it('accepts ordinary relative paths, dots inside names included', () => {
    for (const ok of ['a', 'a/b', '.hidden', 'a/..b', 'a/b.', '...', 'x/.../y']) expect(isSafeRelative(ok)).toBe(true);
  });
});

describe('temp files of killed record writes', () => {
  it('are removed when the record is next loaded, unless their writer still runs', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['ok', entry()]])) }, '/src', '/rep');
    const dead = `${file}.999999999.tmp`;
    const alive = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(dead, '{"half": ');
    fs.writeFileSync(alive, '{"half": ');
    expect(loadRecord(file, '/src', '/rep').record.table.paths.length).toBe(1);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(alive)).toBe(true);
  });
});
