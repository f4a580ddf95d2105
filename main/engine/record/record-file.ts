/**
 * The record on disk: one file per (source, replica) pair in the state folder, written atomically (temp file,
 * fsync, rename, fsync of the folder), so a kill at any moment leaves the old record or the new one.
 *
 * Layout (version 2): one line of JSON (the pair, mounts, traits, row count, hashes), zero bytes up to a multiple
 * of 8, then the columns as they are in memory: the numbers (Float64, little-endian like every platform Electron
 * runs on), one kind byte per row, and the paths as raw bytes separated by NUL. Loading is a read and a few
 * copies: no text to parse per entry, no base64, and a changed run writes it without building a 10 MB string.
 * Every check failing (checksum, sizes, numbers, kinds, unsafe or repeated paths) sets the file aside and the run
 * starts from an empty record: never trusted. The header carries a SHA-256 of everything after it and says
 * whether the writer found the rows in path order; with both, a load checks the 8 MB of a 100,000-entry record
 * in a few milliseconds instead of comparing every path with the next. A record without them (written by an
 * older version) is checked path by path and rewritten once, as is a version 1 record (one JSON document, same
 * name ending .json).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MountIdentity } from '../fs/mounts.js';
import { JoinedPaths } from '../snapshot/joined-paths.js';
import { DuplicatePathError, pathOrder } from '../snapshot/path-order.js';
import { isSafeRelative } from '../fs/paths.js';
import { CODE_KINDS, COLUMNS, emptyRecord, type RecordTable, type SyncRecord } from './record.js';
import type { ReplicaTraits } from '../types.js';

export const RECORD_FORMAT = 'folder-sync-record';
export const RECORD_VERSION = 2;

export interface LoadedRecord {
  readonly record: SyncRecord;
  /** Set when an unusable record file was moved aside: the sentence to log. */
  readonly warning?: string;
  readonly existed: boolean;
  /** Written by an older version (no checksum, or version 1): the run saves it anew even if nothing changed. */
  readonly outdated?: boolean;
}

interface Header {
  format: string;
  version: number;
  source: string;
  replica: string;
  replicaMount?: MountIdentity;
  sourceMount?: MountIdentity;
  traits?: ReplicaTraits;
  rows: number;
  pathBytes: number;
  /** Content hashes by row. */
  hashes: Record<string, string>;
  /** SHA-256 (hex) of the bytes after the header's padding: the columns as written. */
  sha256?: string;
  /** The writer checked that the rows are in path order (path-order.ts), no path listed twice. */
  inPathOrder?: boolean;
}

/** Version 1: the whole record as one JSON document, the numbers as base64. */
interface HeaderV1 extends Omit<Header, 'rows' | 'pathBytes' | 'sha256' | 'inPathOrder'> {
  paths: string[];
  kinds: string;
  numbers: string;
}

export function recordFileFor(stateDir: string, source: string, replica: string): string {
  const id = createHash('sha256').update(`${source}\0${replica}`).digest('hex').slice(0, 24);
  return path.join(stateDir, `record-${id}.rec`);
}

/**
 * Whether this tool has synced the pair before (its record, or an older version's, is there): the app asks before
 * a first run deletes what a replica already holds.
 */
export function hasRecord(stateDir: string, source: string, replica: string): boolean {
  const file = recordFileFor(stateDir, path.resolve(source), path.resolve(replica));
  return fs.existsSync(file) || fs.existsSync(legacyFileOf(file));
}

/** A record under ~2,000 entries: the last run saw a small tree, so this one scans without worker threads. */
const SMALL_RECORD_BYTES = 256 * 1024;

export function isSmallRecord(file: string): boolean {
  try {
    return fs.statSync(file).size < SMALL_RECORD_BYTES;
  } catch {
    return false;
  }
}

function legacyFileOf(file: string): string {
  return file.replace(/\.rec$/, '.json');
}

function isMount(value: unknown): value is MountIdentity {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.mountPoint === 'string' && typeof m.fsType === 'string' && typeof m.source === 'string';
}

const TRAIT_FLAGS = [
  'caseSensitive', 'symlinks', 'modes', 'renameKeepsMtime', 'refusesWindowsChars',
  'keepsTrailingDots', 'keepsTrailingSpaces', 'unicodeNames', 'byteNames',
] as const;

/** Cached traits are only a shortcut: anything doubtful is dropped and the replica probed again. */
function isTraits(value: unknown): value is ReplicaTraits {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.mtimeGranularityMs === 'number' && t.mtimeGranularityMs > 0 && typeof t.summary === 'string' &&
    t.probeError === undefined && TRAIT_FLAGS.every((flag) => typeof t[flag] === 'boolean')
  );
}

/** Throws a sentence when the header is not one of a record of this pair. */
function checkHeader(data: unknown, source: string, replica: string, version: number): asserts data is Partial<Header> {
  if (typeof data !== 'object' || data === null) throw new Error('not a record');
  const file = data as Partial<Header>;
  if (file.format !== RECORD_FORMAT) throw new Error('not a folder-sync record');
  if (file.version !== version) throw new Error(`unsupported record version ${String(file.version)}`);
  if (file.source !== source || file.replica !== replica) throw new Error('the record belongs to another pair of folders');
  if (!isMount(file.replicaMount) || !isMount(file.sourceMount)) throw new Error('damaged header');
  if (typeof file.hashes !== 'object' || file.hashes === null) throw new Error('damaged header');
}

/**
 * A path component that is empty, `.` or `..`, in NUL-joined paths: the one pattern every unsafe path holds (an
 * absolute path, a trailing slash, `//`, an empty path; see isSafeRelative). One pass over the joined paths
 * instead of a test per path.
 */
const UNSAFE_COMPONENT = /(?:^|[/\0])\.{0,2}(?:[/\0]|$)/;

/**
 * Checks that NUL-joined `text` holds `rows` paths, each safe (isSafeRelative), without splitting it: a regex pass
 * and a count of the NULs. Throws a sentence naming the first unsafe path.
 */
export function checkPathText(text: string, rows: number): void {
  if (rows === 0) {
    if (text !== '') throw new Error('damaged entries');
    return;
  }
  if (UNSAFE_COMPONENT.test(text)) {
    // Only a damaged or edited record gets here: name the path, found the slow way.
    const bad = text.split('\0').find((rel) => !isSafeRelative(rel));
    throw new Error(`unsafe or damaged entry ${JSON.stringify(bad)}`);
  }
  let separators = 0;
  for (let at = text.indexOf('\0'); at !== -1; at = text.indexOf('\0', at + 1)) separators += 1;
  if (separators !== rows - 1) throw new Error('unsafe or damaged paths (a name holding a NUL?)');
}

/** Every column but the paths, checked: sizes, numbers, kinds, hashes. */
function checkedColumns(rows: number, kinds: string, numbers: Float64Array, hashes: Record<string, string>): Map<number, string> {
  if (kinds.length !== rows || numbers.length !== rows * COLUMNS) throw new Error('damaged entries');
  for (let i = 0; i < numbers.length; i += 1) if (!Number.isFinite(numbers[i]!)) throw new Error('damaged entries');
  if (!KINDS.test(kinds)) throw new Error('damaged entries');
  const rowHashes = new Map<number, string>();
  for (const [key, hash] of Object.entries(hashes)) {
    const row = Number(key);
    if (!Number.isInteger(row) || row < 0 || row >= rows || typeof hash !== 'string') throw new Error('damaged hashes');
    rowHashes.set(row, hash);
  }
  return rowHashes;
}

/** The rows' order (path-order.ts), or a sentence naming a path listed twice. */
function checkedOrder(paths: readonly string[]): Int32Array | undefined {
  try {
    return pathOrder(paths);
  } catch (error) {
    if (error instanceof DuplicatePathError) throw new Error(`unsafe or damaged entry ${JSON.stringify(error.path)}`);
    throw error;
  }
}

/** A version 1 table: paths from a JSON array, each checked, and the order always found. */
function checkedTable(paths: readonly string[], kinds: string, numbers: Float64Array, hashes: Record<string, string>): RecordTable {
  for (const rel of paths) if (!isSafeRelative(rel)) throw new Error(`unsafe or damaged entry ${JSON.stringify(rel)}`);
  const rowHashes = checkedColumns(paths.length, kinds, numbers, hashes);
  const order = checkedOrder(paths);
  return { paths, kinds, numbers, hashes: rowHashes, ...(order ? { order } : {}) };
}

/** A loaded record's table: its paths stay the NUL-joined text they were stored as until a path is first asked for. */
class LoadedTable extends JoinedPaths implements RecordTable {
  order?: Int32Array;

  constructor(
    text: string,
    readonly kinds: string,
    readonly numbers: Float64Array,
    readonly hashes: ReadonlyMap<number, string>,
  ) {
    super(text);
  }
}

/**
 * A table whose paths are the NUL-joined `text`, split only when a path is first asked for (path-list.ts): a run
 * that changed nothing never asks. The rows' order is found unless the writer vouched for it.
 */
function checkedTableOfText(text: string, rows: number, kinds: string, numbers: Float64Array, hashes: Record<string, string>, inPathOrder: boolean): RecordTable {
  checkPathText(text, rows);
  const table = new LoadedTable(text, kinds, numbers, checkedColumns(rows, kinds, numbers, hashes));
  if (!inPathOrder) {
    const order = checkedOrder(table.paths);
    if (order !== undefined) table.order = order;
  }
  return table;
}

/** One kind code per row, each one of CODE_KINDS. */
const KINDS = new RegExp(`^[${Object.keys(CODE_KINDS).join('')}]*$`);

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function recordOf(header: Partial<Header>, table: RecordTable): SyncRecord {
  return {
    table,
    ...(header.replicaMount ? { replicaMount: header.replicaMount } : {}),
    ...(header.sourceMount ? { sourceMount: header.sourceMount } : {}),
    ...(isTraits(header.traits) ? { traits: header.traits } : {}),
  };
}

const align8 = (offset: number): number => Math.ceil(offset / 8) * 8;

function decode(bytes: Buffer, source: string, replica: string): { record: SyncRecord; outdated: boolean } {
  const newline = bytes.indexOf(10);
  if (newline < 0) throw new Error('not a record');
  const header: unknown = JSON.parse(bytes.toString('utf8', 0, newline));
  checkHeader(header, source, replica, RECORD_VERSION);
  const { rows, pathBytes, sha256: checksum } = header;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(pathBytes) || rows! < 0 || pathBytes! < 0) throw new Error('damaged header');
  const numbersAt = align8(newline + 1);
  const kindsAt = numbersAt + rows! * COLUMNS * 8;
  const pathsAt = kindsAt + rows!;
  if (bytes.length !== pathsAt + pathBytes!) throw new Error('damaged entries');
  if (checksum !== undefined && checksum !== sha256(bytes.subarray(numbersAt))) throw new Error('damaged: its checksum does not match');
  const numbers = new Float64Array(rows! * COLUMNS);
  bytes.copy(Buffer.from(numbers.buffer), 0, numbersAt, kindsAt);
  const kinds = bytes.toString('latin1', kindsAt, pathsAt);
  // The writer's word on the order counts only with the checksum: the bytes are then exactly those it checked.
  const vouched = checksum !== undefined && header.inPathOrder === true;
  const table = checkedTableOfText(bytes.toString('latin1', pathsAt), rows!, kinds, numbers, header.hashes!, vouched);
  return { record: recordOf(header, table), outdated: checksum === undefined };
}

function decodeV1(text: string, source: string, replica: string): SyncRecord {
  const data: unknown = JSON.parse(text);
  checkHeader(data, source, replica, 1);
  const file = data as Partial<HeaderV1>;
  if (!Array.isArray(file.paths) || typeof file.kinds !== 'string' || typeof file.numbers !== 'string') throw new Error('damaged entries');
  for (const rel of file.paths as unknown[]) if (typeof rel !== 'string') throw new Error(`unsafe or damaged entry ${JSON.stringify(rel)}`);
  const bytes = Buffer.from(file.numbers, 'base64');
  if (bytes.length % 8 !== 0) throw new Error('damaged entries');
  const numbers = new Float64Array(bytes.length / 8);
  bytes.copy(Buffer.from(numbers.buffer));
  return recordOf(file, checkedTable(file.paths as string[], file.kinds, numbers, file.hashes!));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files of record writes killed half-way: `<record>.<pid>.tmp` whose process is gone. */
function removeStaleTemps(file: string): void {
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (!name.startsWith(prefix) || !name.endsWith('.tmp') || !Number.isInteger(pid) || processAlive(pid)) continue;
    fs.rmSync(path.join(path.dirname(file), name), { force: true });
  }
}

function readIfThere(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Loads the record of a pair; a missing one is empty, an unusable one is moved aside and reported. */
export function loadRecord(file: string, source: string, replica: string): LoadedRecord {
  removeStaleTemps(file);
  const current = readIfThere(file);
  const legacy = current === undefined && file.endsWith('.rec') ? legacyFileOf(file) : undefined;
  const bytes = current ?? (legacy !== undefined ? readIfThere(legacy) : undefined);
  if (bytes === undefined) return { record: emptyRecord(), existed: false };
  const from = current !== undefined ? file : legacy!;
  try {
    if (current === undefined) return { record: decodeV1(bytes.toString('utf8'), source, replica), existed: true, outdated: true };
    const { record, outdated } = decode(bytes, source, replica);
    return { record, existed: true, ...(outdated ? { outdated } : {}) };
  } catch (error) {
    const aside = `${from}.corrupt-${Date.now()}`;
    fs.renameSync(from, aside);
    const why = error instanceof Error ? error.message : String(error);
    return {
      record: emptyRecord(),
      existed: false,
      warning: `The file record ${from} could not be used (${why}); it was moved to ${aside} and will be rebuilt.`,
    };
  }
}

function headerBytes(record: SyncRecord, source: string, replica: string, pathBytes: number, checksum: string): Buffer {
  const hashes: Record<string, string> = {};
  for (const [row, hash] of record.table.hashes) hashes[String(row)] = hash;
  const header: Header = {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    source,
    replica,
    ...(record.replicaMount ? { replicaMount: record.replicaMount } : {}),
    ...(record.sourceMount ? { sourceMount: record.sourceMount } : {}),
    ...(record.traits ? { traits: record.traits } : {}),
    rows: record.table.paths.length,
    pathBytes,
    hashes,
    sha256: checksum,
    // A table without `order` is in path order: loads check it, and every table a run makes is built so (record.ts).
    inPathOrder: record.table.order === undefined,
  };
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return Buffer.concat([line, Buffer.alloc(align8(line.length) - line.length)]);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
}

/** Rows of paths joined per chunk, as the file holds them: a million paths never make one 40 MB string. */
const PATH_CHUNK_ROWS = 8192;

function pathChunks(paths: readonly string[]): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < paths.length; at += PATH_CHUNK_ROWS) {
    const end = Math.min(paths.length, at + PATH_CHUNK_ROWS);
    // NUL between paths, none after the last one.
    chunks.push(Buffer.from(paths.slice(at, end).join('\0') + (end < paths.length ? '\0' : ''), 'latin1'));
  }
  return chunks;
}

/** Writes the record atomically: a kill at any moment leaves either the old file or the new one. */
export function saveRecord(file: string, record: SyncRecord, source: string, replica: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { numbers, kinds } = record.table;
  const paths = pathChunks(record.table.paths);
  const columns = [new Uint8Array(numbers.buffer, numbers.byteOffset, numbers.byteLength), Buffer.from(kinds, 'latin1'), ...paths];
  const hash = createHash('sha256');
  for (const column of columns) hash.update(column);
  const pathBytes = paths.reduce((sum, chunk) => sum + chunk.length, 0);
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    writeAll(fd, headerBytes(record, source, replica, pathBytes, hash.digest('hex')));
    for (const column of columns) writeAll(fd, column);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  const dirFd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
  if (file.endsWith('.rec')) fs.rmSync(legacyFileOf(file), { force: true });
}
