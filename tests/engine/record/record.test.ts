import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSafeRelative } from '../../../main/engine/fs/paths.js';
import { entriesOf, TableBuilder, tableOf, type RecordEntry } from '../../../main/engine/record/record.js';
import { loadAtOps } from '../../../main/engine/fs/at.js';
import { checkPathBytes, loadRecord, recordFileFor, saveRecord } from '../../../main/engine/record/record-file.js';
import fc from 'fast-check';
import { recordV1, recordV2, withoutBirthTimes } from '../../helpers/record-edit.js';
import { tempDir } from '../../helpers/tree.js';

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const entry = (over: Partial<RecordEntry> = {}): RecordEntry => ({
  kind: 'file', size: 12, mtimeMs: 1_795_596_591_422.9951, ctimeMs: 1_795_596_591_500.125, ino: 123_456_789, birthtimeMs: 1_795_596_000_001.25, mode: 0o644, repMtimeMs: 1_795_596_591_422.995, ...over,
});

const TRAITS = {
  mtimeGranularityMs: 0.001, caseSensitive: true, symlinks: true, modes: true, renameKeepsMtime: true, refusesWindowsChars: false,
  keepsTrailingDots: true, keepsTrailingSpaces: true, unicodeNames: true, byteNames: true, summary: 'native (ext4-like)',
};
const MOUNT = { mountPoint: '/', fsType: 'ext4', source: '/dev/vda' };

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
    // 20,001 rows (an older writer wrote them in pieces of 8,192 paths; the bytes are the same).
    const entries = new Map<string, RecordEntry>(Array.from({ length: 20_001 }, (_, i) => [`d${Math.floor(i / 100)}/f${i}`, entry({ ino: i })]));
    saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.warning).toBeUndefined();
    expect(entriesOf(loaded.record.table)).toEqual(entries);
  });

  it('loads the columns as views of the bytes read, not copies, and keeps no bytes of the paths alive with them', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map<string, RecordEntry>(Array.from({ length: 1000 }, (_, i) => [`f${i}`, entry({ ino: i, mode: i % 2 === 0 ? 0o644 : 0o600 })]));
    saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
    const { table } = loadRecord(file, '/src', '/rep').record;
    // One buffer holds the file's bytes up to the paths (read, or where the addon loaded a mapping of those pages);
    // both columns lie in it, where the file has them. The paths (NUL between them) were read apart: their bytes
    // are not kept with the columns.
    const pathBytes = [...entries.keys()].reduce((sum, rel) => sum + rel.length, entries.size - 1);
    expect(table.numbers.buffer).toBe(table.small.buffer);
    expect(table.numbers.buffer.byteLength).toBe(fs.statSync(file).size - pathBytes);
    expect(table.numbers.byteOffset + table.numbers.byteLength).toBe(table.small.byteOffset);
    expect(table.small.byteOffset + table.small.byteLength).toBe(table.numbers.buffer.byteLength);
    expect(table.pathText?.bytes.buffer).not.toBe(table.numbers.buffer);
    expect(entriesOf(table)).toEqual(entries);
  });

  it('keeps the paths it checked: the file written over in place after loading changes none of them', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map<string, RecordEntry>(Array.from({ length: 1000 }, (_, i) => [`d/f${i}`, entry({ ino: i })]));
    saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
    const { table } = loadRecord(file, '/src', '/rep').record;
    // Every path made of dots and slashes in the file itself, as no writer of ours does (a record is replaced by
    // rename): where the columns are a mapping of the file, the paths must still be bytes of the run's own.
    const bytes = fs.readFileSync(file);
    const pathsAt = bytes.length - ([...entries.keys()].reduce((sum, rel) => sum + rel.length, entries.size - 1));
    const fd = fs.openSync(file, 'r+');
    try {
      for (let at = pathsAt; at < bytes.length; at += 1) if (bytes[at] !== 0) fs.writeSync(fd, at % 3 === 0 ? '/' : '.', at);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file).subarray(pathsAt).includes('d/f')).toBe(false);
    expect(entriesOf(table)).toEqual(entries);
  });

  it('loads a record whose header is longer than the first read (many content hashes) from one buffer, as before', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map<string, RecordEntry>(Array.from({ length: 2000 }, (_, i) => [`f${i}`, entry({ ino: i, hash: 'ab'.repeat(32) })]));
    saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
    expect(fs.readFileSync(file).indexOf(10)).toBeGreaterThan(64 * 1024);
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.warning).toBeUndefined();
    expect(entriesOf(loaded.record.table)).toEqual(entries);
  });

  it('round-trips a table of no rows and one of one row', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    for (const entries of [new Map<string, RecordEntry>(), new Map([['only', entry()]])]) {
      saveRecord(file, { table: tableOf(entries) }, '/src', '/rep');
      const loaded = loadRecord(file, '/src', '/rep');
      expect(loaded.warning).toBeUndefined();
      expect(entriesOf(loaded.record.table)).toEqual(entries);
    }
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

  it('any byte changed, header included, is refused: the columns by the checksum', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['a', entry()], ['b', entry({ kind: 'dir', size: 0 })]])), traits: TRAITS, replicaMount: MOUNT }, '/src', '/rep');
    const good = fs.readFileSync(file);
    const bodyAt = Math.ceil((good.indexOf(10, good.indexOf(10) + 1) + 1) / 8) * 8;
    // Every byte, each changed in a way no other check would notice where it can be (a number's low bit, a path's case).
    for (let at = 0; at < good.length; at += 1) {
      if (at >= good.indexOf(10) && at < bodyAt) continue; // the checksum line and the padding: checked below
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ (bad[at] === 0 ? 0 : 0x20);
      if (bad[at] === good[at]) bad[at] = 1;
      fs.writeFileSync(file, bad);
      const warning = loadRecord(file, '/src', '/rep').warning;
      expect(warning, `byte ${at}`).toContain('will be rebuilt');
      if (at >= bodyAt) expect(warning, `byte ${at}`).toContain('checksum');
    }
  });

  it.each([
    ['the replica mount', (h: Record<string, unknown>) => (h.replicaMount = { mountPoint: '/media/elsewhere', fsType: 'ext4', source: '/dev/sdz1' })],
    ['the traits', (h: Record<string, unknown>) => (h.traits = { ...TRAITS, caseSensitive: false, summary: 'edited' })],
    ['a hash', (h: Record<string, unknown>) => (h.hashes = { 0: 'forged' })],
  ])('a header edited into another valid one (%s) fails the checksum', (_what, edit) => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['a', entry()]])), traits: TRAITS, replicaMount: MOUNT }, '/src', '/rep');
    const good = fs.readFileSync(file);
    const headerEnd = good.indexOf(10);
    const header = JSON.parse(good.toString('utf8', 0, headerEnd)) as Record<string, unknown>;
    edit(header);
    // Same length padding is not needed: the layout is found from the lines, the body kept as it was.
    const rest = good.subarray(headerEnd);
    const line = Buffer.from(JSON.stringify(header), 'utf8');
    const checksumLine = rest.subarray(0, rest.indexOf(10, 1) + 1);
    const body = good.subarray(Math.ceil((headerEnd + checksumLine.length) / 8) * 8);
    const written = line.length + checksumLine.length;
    fs.writeFileSync(file, Buffer.concat([line, checksumLine, Buffer.alloc(Math.ceil(written / 8) * 8 - written), body]));
    expect(loadRecord(file, '/src', '/rep').warning).toContain('checksum');
  });

  it('a version 2 record is read (with or without its checksum), checked path by path, and flagged to be written anew', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map([['a', entry()], ['a/b', entry({ hash: 'h' })], ['a-b', entry({ kind: 'dir', size: 0 })]]);
    for (const checksum of [true, false]) {
      fs.writeFileSync(file, recordV2([...entries], '/src', '/rep', { checksum, extra: { traits: TRAITS } }));
      const loaded = loadRecord(file, '/src', '/rep');
      expect(loaded.warning).toBeUndefined();
      expect(loaded.outdated).toBe(true);
      expect(entriesOf(loaded.record.table)).toEqual(withoutBirthTimes(entries));
      expect(loaded.record.traits).toEqual(TRAITS);
    }
    // Out of order (as the oldest writers left them): put in order; a repeated path is found.
    fs.writeFileSync(file, recordV2([...entries].reverse(), '/src', '/rep'));
    expect([...entriesOf(loadRecord(file, '/src', '/rep').record.table).keys()]).toEqual(['a', 'a-b', 'a/b']);
    fs.writeFileSync(file, recordV2([['a', entry()], ['a', entry()], ['a-b', entry()]], '/src', '/rep', { checksum: true }));
    expect(loadRecord(file, '/src', '/rep').warning).toContain('unsafe or damaged entry "a"');
    // A version 2 record whose columns do not match its checksum is damaged too.
    const bytes = recordV2([...entries], '/src', '/rep', { checksum: true });
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x20;
    fs.writeFileSync(file, bytes);
    expect(loadRecord(file, '/src', '/rep').warning).toContain('checksum');
  });

  it('a version 1 record (one JSON document) is read, then replaced by the current format', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const entries = new Map([['a', entry()], ['a/b', entry({ hash: undefined })], ['a-b', entry({ kind: 'dir', size: 0 })]]);
    const legacy = file.replace(/\.rec$/, '.json');
    fs.writeFileSync(legacy, recordV1([...entries], '/src', '/rep'));
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.existed).toBe(true);
    expect(loaded.warning).toBeUndefined();
    expect(entriesOf(loaded.record.table)).toEqual(withoutBirthTimes(entries));
    // Flagged outdated, so the run that loaded it saves it anew (sync.ts), which removes the old file.
    expect(loaded.outdated).toBe(true);
    saveRecord(file, loaded.record, '/src', '/rep');
    expect(fs.readdirSync(dir)).toEqual([path.basename(file)]);
    expect(entriesOf(loadRecord(file, '/src', '/rep').record.table)).toEqual(withoutBirthTimes(entries));
  });

  it.each([
    ['a FIFO', (file: string) => execFileSync('mkfifo', [file])],
    ['a folder', (file: string) => fs.mkdirSync(file)],
    ['a symlink', (file: string) => fs.symlinkSync(path.join(path.dirname(file), 'decoy'), file)],
  ])('%s at the record path is set aside at once, never waited on or followed', (_what, plant) => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    // A valid record of this pair, owned by whoever runs the test (root in CI) and readable by it alone: a followed
    // link would load it (and the save would clobber it).
    const decoy = path.join(dir, 'decoy');
    saveRecord(decoy, { table: tableOf(new Map([['secret', entry()]])) }, '/src', '/rep');
    fs.chmodSync(decoy, 0o600);
    const decoyBytes = fs.readFileSync(decoy);
    plant(file);
    const loaded = loadRecord(file, '/src', '/rep');
    expect(fs.readFileSync(decoy)).toEqual(decoyBytes);
    expect(loaded.existed).toBe(false);
    expect(loaded.warning).toContain('will be rebuilt');
    expect(fs.existsSync(file)).toBe(false);
    saveRecord(file, { table: tableOf(new Map([['ok', entry()]])) }, '/src', '/rep');
    expect(entriesOf(loadRecord(file, '/src', '/rep').record.table).size).toBe(1);
    expect(fs.readFileSync(decoy)).toEqual(decoyBytes);
  });

  it('a link planted at a temp name is never written through: the temp name cannot be guessed and is opened O_EXCL', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    const victim = path.join(dir, 'victim');
    fs.writeFileSync(victim, 'keep');
    // The names older versions used, and ones with this process's id.
    for (const name of [`${file}.${process.pid}.tmp`, `${file}.tmp`]) fs.symlinkSync(victim, name);
    saveRecord(file, { table: tableOf(new Map([['ok', entry()]])) }, '/src', '/rep');
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep');
    expect(loadRecord(file, '/src', '/rep').warning).toBeUndefined();
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
        const bytes = Buffer.from(paths.join('\0'), 'latin1');
        try {
          checkPathBytes(bytes, paths.length);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(safe);
        // The addon's quick answer (checkPathBytes takes its yes), where it loaded: the same, no and yes alike.
        const native = loadAtOps().pathsSafe;
        if (native !== undefined) expect(native(bytes, paths.length)).toBe(safe);
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
    // As this version names them (pid, then a random part) and as older ones did (pid only).
    const dead = [`${file}.999999999.0a1b2c3d4e5f.tmp`, `${file}.999999999.tmp`];
    const alive = [`${file}.${process.pid}.0a1b2c3d4e5f.tmp`, `${file}.${process.pid}.tmp`];
    for (const temp of [...dead, ...alive]) fs.writeFileSync(temp, '{"half": ');
    expect(loadRecord(file, '/src', '/rep').record.table.paths.length).toBe(1);
    for (const temp of dead) expect(fs.existsSync(temp), temp).toBe(false);
    for (const temp of alive) expect(fs.existsSync(temp), temp).toBe(true);
  });

  it('a folder or a link by a dead writer\'s temp name does not fail the load: the folder is left, the link unlinked', () => {
    dir = tempDir();
    const file = recordFileFor(dir, '/src', '/rep');
    saveRecord(file, { table: tableOf(new Map([['ok', entry()]])) }, '/src', '/rep');
    const decoy = path.join(dir, 'decoy');
    fs.writeFileSync(decoy, 'keep', { mode: 0o600 });
    fs.mkdirSync(`${file}.999999999.0a1b2c3d4e5f.tmp`);
    fs.writeFileSync(`${file}.999999999.0a1b2c3d4e5f.tmp/inside`, 'not ours');
    fs.symlinkSync(decoy, `${file}.999999999.tmp`);
    const loaded = loadRecord(file, '/src', '/rep');
    expect(loaded.warning).toBeUndefined();
    expect(loaded.record.table.paths).toEqual(['ok']);
    expect(fs.readFileSync(`${file}.999999999.0a1b2c3d4e5f.tmp/inside`, 'utf8')).toBe('not ours');
    expect(fs.existsSync(`${file}.999999999.tmp`)).toBe(false);
    expect(fs.readFileSync(decoy, 'utf8')).toBe('keep');
  });
});

describe('the record table builder', () => {
  it('copies a stretch of rows whole exactly as row by row, hashes included, growing past its presized room', () => {
    dir = tempDir(); // the file's afterEach removes it
    const entries = new Map<string, RecordEntry>();
    for (let i = 0; i < 40; i += 1) entries.set(`d/f${String(i).padStart(2, '0')}`, entry({ size: i, ino: 1000 + i, ...(i % 7 === 0 ? { hash: `h${i}` } : {}) }));
    const table = tableOf(entries);
    const byRow = new TableBuilder(2);
    const byStretch = new TableBuilder(2);
    for (const [from, count] of [[0, 1], [3, 17], [25, 15]] as const) {
      for (let row = from; row < from + count; row += 1) byRow.copyRow(table, row);
      byStretch.copyRows(table, from, count);
    }
    byRow.add('e', entry({ hash: 'last' }));
    byStretch.add('e', entry({ hash: 'last' }));
    const expected = entriesOf(byRow.build());
    expect(expected.size).toBe(34);
    expect(expected.get('d/f07')?.hash).toBe('h7');
    expect(entriesOf(byStretch.build())).toEqual(expected);
    expect([...entriesOf(byStretch.build()).keys()]).toEqual([...expected.keys()]);
  });
});
