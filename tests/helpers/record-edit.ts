/** Edits a pair's record file as a damaged disk or a hostile user could, bypassing every check of loading. */
import fs from 'node:fs';
import { loadRecord, saveRecord } from '../../main/engine/record/record-file.js';

export function editRecordPaths(file: string, source: string, replica: string, edit: (paths: string[]) => void): void {
  const { record } = loadRecord(file, source, replica);
  const paths = [...record.table.paths];
  edit(paths);
  const { kinds, numbers, hashes } = record.table;
  saveRecord(file, { ...record, table: { paths, kinds, numbers, hashes } }, source, replica);
}

/** Rewrites a saved record as versions before the checksum wrote it: the same columns, no sha256, no inPathOrder. */
export function dropChecksum(file: string): void {
  const bytes = fs.readFileSync(file);
  const newline = bytes.indexOf(10);
  const { sha256: _sha256, inPathOrder: _inPathOrder, ...header } = JSON.parse(bytes.toString('utf8', 0, newline)) as Record<string, unknown>;
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  const padding = Buffer.alloc(Math.ceil(line.length / 8) * 8 - line.length);
  fs.writeFileSync(file, Buffer.concat([line, padding, bytes.subarray(Math.ceil((newline + 1) / 8) * 8)]));
}

/** The version-1 record of a table: one JSON document, as the first releases wrote it. */
export function recordV1(table: { paths: readonly string[]; kinds: string; numbers: Float64Array }, source: string, replica: string): string {
  return JSON.stringify({
    format: 'folder-sync-record',
    version: 1,
    source,
    replica,
    paths: table.paths,
    kinds: table.kinds,
    numbers: Buffer.from(table.numbers.buffer, table.numbers.byteOffset, table.numbers.byteLength).toString('base64'),
    hashes: {},
  });
}
