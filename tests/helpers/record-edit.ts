/**
 * Record files as a damaged disk, a hostile user or an older version could leave them, bypassing every check of
 * loading: edited paths, and the version 1 and 2 formats written from entries.
 */
import { createHash } from 'node:crypto';
import { loadRecord, saveRecord } from '../../main/engine/record/record-file.js';
import type { RecordEntry } from '../../main/engine/record/record.js';
import { RecordSnapshot } from '../../main/engine/snapshot/record-snapshot.js';

export function editRecordPaths(file: string, source: string, replica: string, edit: (paths: string[]) => void): void {
  const { record } = loadRecord(file, source, replica);
  const paths = [...record.table.paths];
  edit(paths);
  const { rows, numbers, small, hashes } = record.table;
  saveRecord(file, { ...record, table: new RecordSnapshot(paths, rows, numbers, small, hashes) }, source, replica);
}

const LETTERS: Record<RecordEntry['kind'], string> = { file: 'f', dir: 'd', symlink: 'l' };

/** The columns versions 1 and 2 kept: size, mtime, ctime, inode, mode, replica mtime; a kind letter per row. */
function oldColumns(entries: ReadonlyArray<[string, RecordEntry]>): { numbers: Float64Array; kinds: string; hashes: Record<string, string> } {
  const numbers = new Float64Array(entries.length * 6);
  const hashes: Record<string, string> = {};
  entries.forEach(([, e], row) => {
    numbers.set([e.size, e.mtimeMs, e.ctimeMs, e.ino, e.mode, e.repMtimeMs], row * 6);
    if (e.hash !== undefined) hashes[String(row)] = e.hash;
  });
  return { numbers, kinds: entries.map(([, e]) => LETTERS[e.kind]).join(''), hashes };
}

/** A version-2 record of these entries, in the order given; `checksum` as the later version-2 writers added it. */
export function recordV2(entries: ReadonlyArray<[string, RecordEntry]>, source: string, replica: string, options: { checksum?: boolean; extra?: object } = {}): Buffer {
  const { numbers, kinds, hashes } = oldColumns(entries);
  const paths = Buffer.from(entries.map(([rel]) => rel).join('\0'), 'latin1');
  const body = Buffer.concat([Buffer.from(numbers.buffer), Buffer.from(kinds, 'latin1'), paths]);
  const header = {
    format: 'folder-sync-record', version: 2, source, replica, rows: entries.length, pathBytes: paths.length, hashes, ...options.extra,
    ...(options.checksum === true ? { sha256: createHash('sha256').update(body).digest('hex'), inPathOrder: true } : {}),
  };
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return Buffer.concat([line, Buffer.alloc(Math.ceil(line.length / 8) * 8 - line.length), body]);
}

/** The version-1 record of these entries: one JSON document, as the first releases wrote it. */
export function recordV1(entries: ReadonlyArray<[string, RecordEntry]>, source: string, replica: string): string {
  const { numbers, kinds, hashes } = oldColumns(entries);
  return JSON.stringify({
    format: 'folder-sync-record',
    version: 1,
    source,
    replica,
    paths: entries.map(([rel]) => rel),
    kinds,
    numbers: Buffer.from(numbers.buffer).toString('base64'),
    hashes,
  });
}

/** Entries as an older version read them back: no birth times. */
export function withoutBirthTimes(entries: ReadonlyMap<string, RecordEntry>): Map<string, RecordEntry> {
  return new Map([...entries].map(([rel, e]) => [rel, { ...e, birthtimeMs: 0 }]));
}
