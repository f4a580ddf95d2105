/** Edits a pair's record file as a damaged disk or a hostile user could, bypassing every check of loading. */
import { loadRecord, saveRecord } from '../../main/engine/record-file.js';

export function editRecordPaths(file: string, source: string, replica: string, edit: (paths: string[]) => void): void {
  const { record } = loadRecord(file, source, replica);
  const paths = [...record.table.paths];
  edit(paths);
  saveRecord(file, { ...record, table: { ...record.table, paths } }, source, replica);
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
