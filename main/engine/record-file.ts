/**
 * The record on disk: one file per (source, replica) pair in the state folder, written atomically (temp file,
 * fsync, rename, fsync of the folder), so a kill at any moment leaves the old record or the new one.
 *
 * Layout (version 2): one line of JSON (the pair, mounts, traits, row count, hashes), zero bytes up to a multiple
 * of 8, then the columns as they are in memory: the numbers (Float64, little-endian like every platform Electron
 * runs on), one kind byte per row, and the paths as raw bytes separated by NUL. Loading is a read and a few
 * copies: no text to parse per entry, no base64, and a changed run writes it without building a 10 MB string.
 * Every check failing (sizes, numbers, kinds, unsafe or repeated paths) sets the file aside and the run starts
 * from an empty record: never trusted. A version 1 record (one JSON document, same name ending .json) is read
 * once and replaced.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MountIdentity } from './mounts.js';
import { DuplicatePathError, pathOrder } from './path-order.js';
import { isSafeRelative } from './paths.js';
import { CODE_KINDS, COLUMNS, emptyRecord, type RecordTable, type SyncRecord } from './record.js';
import type { ReplicaTraits } from './types.js';

export const RECORD_FORMAT = 'folder-sync-record';
export const RECORD_VERSION = 2;

export interface LoadedRecord {
  readonly record: SyncRecord;
  /** Set when an unusable record file was moved aside: the sentence to log. */
  readonly warning?: string;
  readonly existed: boolean;
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
}

/** Version 1: the whole record as one JSON document, the numbers as base64. */
interface HeaderV1 extends Omit<Header, 'rows' | 'pathBytes'> {
  paths: string[];
  kinds: string;
  numbers: string;
}

export function recordFileFor(stateDir: string, source: string, replica: string): string {
  const id = createHash('sha256').update(`${source}\0${replica}`).digest('hex').slice(0, 24);
  return path.join(stateDir, `record-${id}.rec`);
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

/** Checks the columns and finds their order; throws a sentence on anything a damaged or edited file can hold. */
function checkedTable(paths: readonly unknown[], kinds: string, numbers: Float64Array, hashes: Record<string, string>): RecordTable {
  const n = paths.length;
  if (kinds.length !== n || numbers.length !== n * COLUMNS) throw new Error('damaged entries');
  for (let i = 0; i < numbers.length; i += 1) if (!Number.isFinite(numbers[i]!)) throw new Error('damaged entries');
  for (let i = 0; i < n; i += 1) {
    const rel = paths[i];
    if (typeof rel !== 'string' || !isSafeRelative(rel) || CODE_KINDS[kinds[i]!] === undefined) {
      throw new Error(`unsafe or damaged entry ${JSON.stringify(rel)}`);
    }
  }
  const rowHashes = new Map<number, string>();
  for (const [key, hash] of Object.entries(hashes)) {
    const row = Number(key);
    if (!Number.isInteger(row) || row < 0 || row >= n || typeof hash !== 'string') throw new Error('damaged hashes');
    rowHashes.set(row, hash);
  }
  let order: Int32Array | undefined;
  try {
    order = pathOrder(paths as string[]);
  } catch (error) {
    if (error instanceof DuplicatePathError) throw new Error(`unsafe or damaged entry ${JSON.stringify(error.path)}`);
    throw error;
  }
  return { paths: paths as string[], kinds, numbers, hashes: rowHashes, ...(order ? { order } : {}) };
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

function decode(bytes: Buffer, source: string, replica: string): SyncRecord {
  const newline = bytes.indexOf(10);
  if (newline < 0) throw new Error('not a record');
  const header: unknown = JSON.parse(bytes.toString('utf8', 0, newline));
  checkHeader(header, source, replica, RECORD_VERSION);
  const { rows, pathBytes } = header;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(pathBytes) || rows! < 0 || pathBytes! < 0) throw new Error('damaged header');
  const numbersAt = align8(newline + 1);
  const kindsAt = numbersAt + rows! * COLUMNS * 8;
  const pathsAt = kindsAt + rows!;
  if (bytes.length !== pathsAt + pathBytes!) throw new Error('damaged entries');
  const numbers = new Float64Array(rows! * COLUMNS);
  bytes.copy(Buffer.from(numbers.buffer), 0, numbersAt, kindsAt);
  const kinds = bytes.toString('latin1', kindsAt, pathsAt);
  const paths = rows === 0 ? [] : bytes.toString('latin1', pathsAt).split('\0');
  if (paths.length !== rows) throw new Error('unsafe or damaged paths (a name holding a NUL?)');
  return recordOf(header, checkedTable(paths, kinds, numbers, header.hashes!));
}

function decodeV1(text: string, source: string, replica: string): SyncRecord {
  const data: unknown = JSON.parse(text);
  checkHeader(data, source, replica, 1);
  const file = data as Partial<HeaderV1>;
  if (!Array.isArray(file.paths) || typeof file.kinds !== 'string' || typeof file.numbers !== 'string') throw new Error('damaged entries');
  const bytes = Buffer.from(file.numbers, 'base64');
  if (bytes.length % 8 !== 0) throw new Error('damaged entries');
  const numbers = new Float64Array(bytes.length / 8);
  bytes.copy(Buffer.from(numbers.buffer));
  const table = checkedTable(file.paths, file.kinds, numbers, file.hashes!);
  // Marked out of order even when it is not, so the run saves it in the current format (see sync.ts).
  return recordOf(file, { ...table, order: table.order ?? Int32Array.from(table.paths.keys()) });
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
    const record = current !== undefined ? decode(bytes, source, replica) : decodeV1(bytes.toString('utf8'), source, replica);
    return { record, existed: true };
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

function headerBytes(record: SyncRecord, source: string, replica: string, pathBytes: number): Buffer {
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
  };
  const line = Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
  return Buffer.concat([line, Buffer.alloc(align8(line.length) - line.length)]);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
}

/** Writes the record atomically: a kill at any moment leaves either the old file or the new one. */
export function saveRecord(file: string, record: SyncRecord, source: string, replica: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { numbers, kinds } = record.table;
  const paths = Buffer.from(record.table.paths.join('\0'), 'latin1');
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    writeAll(fd, headerBytes(record, source, replica, paths.length));
    writeAll(fd, new Uint8Array(numbers.buffer, numbers.byteOffset, numbers.byteLength));
    writeAll(fd, Buffer.from(kinds, 'latin1'));
    writeAll(fd, paths);
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
