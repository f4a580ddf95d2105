/**
 * The record on disk: one file per (source, replica) pair in the state folder, written atomically (a temp file
 * opened O_CREAT|O_EXCL|O_NOFOLLOW under an unpredictable name, fsync, rename, fsync of the folder), so a kill at
 * any moment leaves the old record or the new one, and a link planted at a temp name is never written through.
 *
 * Layout (version 3): one line of JSON (the pair, mounts, traits, row count, hashes, whether the writer found the
 * rows in path order), one line `sha256 <hex>` — the SHA-256 of the first line and of every byte after the padding,
 * so nothing in the file, header included, can change unnoticed — zero bytes up to a multiple of 8, then the
 * snapshot's columns as they are in memory: the numbers (Float64, little-endian like every platform Electron runs
 * on), the small integers (Uint32: kind, mode), and the paths as raw bytes separated by NUL. Loading is a read (the
 * columns a mapping of the file's pages where the addon loads) and a few copies; a run that changed something writes
 * it without building a 10 MB string.
 *
 * The file is opened only if it is a regular file (O_NONBLOCK|O_NOFOLLOW, then fstat): a FIFO or a folder planted
 * there is set aside, never waited on. Every check failing (checksum, sizes, numbers, kinds, unsafe or repeated
 * paths) sets the file aside and the run starts from an empty record: never trusted. Records of versions 1 (one
 * JSON document, name ending .json) and 2 (the checksum covered the columns only, no birth times) are read once,
 * checked path by path, and rewritten as version 3.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadAtOps } from '../fs/at.js';
import type { MountIdentity } from '../fs/mounts.js';
import { isSafeRelative } from '../fs/paths.js';
import { DuplicatePathError, pathOrder } from '../snapshot/path-order.js';
import { bufferView } from '../snapshot/path-text.js';
import { RECORD_KIND_CODES, RecordSnapshot } from '../snapshot/record-snapshot.js';
import { NUMBERS, SMALL, KIND } from '../snapshot/snapshot.js';
import type { ReplicaTraits } from '../types.js';
import { emptyRecord, inPathOrder, type SyncRecord } from './record.js';
import { decodeV1, decodeV2, type LegacyTable } from './record-legacy.js';

export const RECORD_FORMAT = 'folder-sync-record';
export const RECORD_VERSION = 3;

export interface LoadedRecord {
  readonly record: SyncRecord;
  /** Set when an unusable record file was moved aside: the sentence to log. */
  readonly warning?: string;
  readonly existed: boolean;
  /** Written by an older version: the run saves it anew even if nothing changed. */
  readonly outdated?: boolean;
}

export interface Header {
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
  /** The writer checked that the rows are in path order (path-order.ts), no path listed twice. */
  inPathOrder?: boolean;
}

export function recordFileFor(stateDir: string, source: string, replica: string): string {
  const id = createHash('sha256').update(`${source}\0${replica}`).digest('hex').slice(0, 24);
  return path.join(stateDir, `record-${id}.rec`);
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

/**
 * Whether this tool has synced the pair before (its record, or an older version's, is there): the app asks before
 * a first run deletes what a replica already holds.
 */
export function hasRecord(stateDir: string, source: string, replica: string): boolean {
  const file = recordFileFor(stateDir, path.resolve(source), path.resolve(replica));
  return fs.existsSync(file) || fs.existsSync(legacyFileOf(file));
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
export function checkHeader(data: unknown, source: string, replica: string, version: number): asserts data is Partial<Header> {
  if (typeof data !== 'object' || data === null) throw new Error('not a record');
  const file = data as Partial<Header>;
  if (file.format !== RECORD_FORMAT) throw new Error('not a folder-sync record');
  if (file.version !== version) throw new Error(`unsupported record version ${String(file.version)}`);
  if (file.source !== source || file.replica !== replica) throw new Error('the record belongs to another pair of folders');
  if (!isMount(file.replicaMount) || !isMount(file.sourceMount)) throw new Error('damaged header');
  if (typeof file.hashes !== 'object' || file.hashes === null) throw new Error('damaged header');
}

const SLASH = 0x2f;
const DOT = 0x2e;

/** The component `bytes[from, to)` is empty, `.` or `..`: what every unsafe path holds (see isSafeRelative). */
function unsafeComponent(bytes: Uint8Array, from: number, to: number): boolean {
  const length = to - from;
  return length === 0 || (length <= 2 && bytes[from] === DOT && (length === 1 || bytes[from + 1] === DOT));
}

/**
 * Checks that NUL-joined `bytes` hold `rows` paths, each safe (isSafeRelative: an absolute path, a trailing slash,
 * `//`, an empty path all hold an empty component), in one pass over the bytes without making a string of them.
 * Throws a sentence naming the first unsafe path.
 */
export function checkPathBytes(bytes: Uint8Array, rows: number): void {
  // The addon's loop says yes in a fraction of the time; a no is explained (or overruled) by the one below.
  if (loadAtOps().pathsSafe?.(bytes, rows) === true) return;
  if (rows === 0) {
    if (bytes.length !== 0) throw new Error('damaged entries');
    return;
  }
  let separators = 0;
  let from = 0;
  for (let at = 0; at <= bytes.length; at += 1) {
    const byte = at === bytes.length ? 0 : bytes[at]!;
    if (byte !== SLASH && byte !== 0) continue;
    if (unsafeComponent(bytes, from, at)) {
      // Only a damaged or edited record gets here: name the path, found the slow way.
      const bad = bufferView(bytes).toString('latin1').split('\0').find((rel) => !isSafeRelative(rel));
      throw new Error(`unsafe or damaged entry ${JSON.stringify(bad)}`);
    }
    if (byte === 0 && at < bytes.length) separators += 1;
    from = at + 1;
  }
  if (separators !== rows - 1) throw new Error('unsafe or damaged paths (a name holding a NUL?)');
}

/** Every column but the paths, checked: sizes, numbers, kinds, hashes. */
function checkedColumns(rows: number, numbers: Float64Array, small: Uint32Array, hashes: Record<string, string>): Map<number, string> {
  if (numbers.length !== rows * NUMBERS || small.length !== rows * SMALL) throw new Error('damaged entries');
  for (let i = 0; i < numbers.length; i += 1) if (!Number.isFinite(numbers[i]!)) throw new Error('damaged entries');
  for (let row = 0; row < rows; row += 1) {
    if (!(RECORD_KIND_CODES as readonly number[]).includes(small[row * SMALL + KIND]!)) throw new Error('damaged entries');
  }
  const rowHashes = new Map<number, string>();
  for (const [key, hash] of Object.entries(hashes)) {
    const row = Number(key);
    if (!Number.isInteger(row) || row < 0 || row >= rows || typeof hash !== 'string') throw new Error('damaged hashes');
    rowHashes.set(row, hash);
  }
  return rowHashes;
}

/** The snapshot in path order (an older writer's may not be), or a sentence naming a path listed twice. */
function inCheckedOrder(table: RecordSnapshot): RecordSnapshot {
  try {
    return pathOrder(table.paths) === undefined ? table : inPathOrder(table);
  } catch (error) {
    if (error instanceof DuplicatePathError) throw new Error(`unsafe or damaged entry ${JSON.stringify(error.path)}`);
    throw error;
  }
}

/** An older version's table, each path checked, as a snapshot in path order. */
function fromLegacy(table: LegacyTable): RecordSnapshot {
  for (const rel of table.paths) if (!isSafeRelative(rel)) throw new Error(`unsafe or damaged entry ${JSON.stringify(rel)}`);
  const hashes = checkedColumns(table.paths.length, table.numbers, table.small, table.hashes);
  return inCheckedOrder(new RecordSnapshot(table.paths, table.paths.length, table.numbers, table.small, hashes));
}

function recordOf(header: Partial<Header>, table: RecordSnapshot): SyncRecord {
  return {
    table,
    ...(header.replicaMount ? { replicaMount: header.replicaMount } : {}),
    ...(header.sourceMount ? { sourceMount: header.sourceMount } : {}),
    ...(isTraits(header.traits) ? { traits: header.traits } : {}),
  };
}

const align8 = (offset: number): number => Math.ceil(offset / 8) * 8;
const CHECKSUM_LINE = /^sha256 ([0-9a-f]{64})$/;

/** Where a version-3 record's paths start, for a header that says it has `rows` rows and ends its checksum line at `checksumEnd`. */
const pathsStart = (checksumEnd: number, rows: number): number => align8(checksumEnd + 1) + rows * (NUMBERS * 8 + SMALL * 4);

/** `bytes` is the file up to its paths (or all of it) and `tail` the rest (RecordBytes). */
function decode(bytes: Buffer, tail: Buffer, headerEnd: number, source: string, replica: string): SyncRecord {
  const header: unknown = JSON.parse(bytes.toString('utf8', 0, headerEnd));
  checkHeader(header, source, replica, RECORD_VERSION);
  const checksumEnd = bytes.indexOf(10, headerEnd + 1);
  const checksum = checksumEnd < 0 ? null : CHECKSUM_LINE.exec(bytes.toString('latin1', headerEnd + 1, checksumEnd));
  if (checksum === null) throw new Error('damaged header');
  const { rows, pathBytes } = header;
  if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(pathBytes) || rows! < 0 || pathBytes! < 0) throw new Error('damaged header');
  const numbersAt = align8(checksumEnd + 1);
  const smallAt = numbersAt + rows! * NUMBERS * 8;
  const pathsAt = pathsStart(checksumEnd, rows!);
  if (bytes.length + tail.length !== pathsAt + pathBytes!) throw new Error('damaged entries');
  // The split is made from this same header, so the paths are all of `tail` or, where none was made, in `bytes`.
  if (tail.length > 0 && bytes.length !== pathsAt) throw new Error('damaged entries');
  const digest = createHash('sha256').update(bytes.subarray(0, headerEnd + 1)).update(bytes.subarray(numbersAt)).update(tail).digest('hex');
  if (digest !== checksum[1]) throw new Error('damaged: its checksum does not match');
  const numbers = columnOf(bytes, numbersAt, rows! * NUMBERS, Float64Array);
  const small = columnOf(bytes, smallAt, rows! * SMALL, Uint32Array);
  const paths = tail.length > 0 ? tail : bytes.subarray(pathsAt);
  checkPathBytes(paths, rows!);
  const table = new RecordSnapshot(paths, rows!, numbers, small, checkedColumns(rows!, numbers, small, header.hashes!));
  // The writer's word on the order: the checksum makes the bytes exactly those it checked.
  return recordOf(header, header.inPathOrder === true ? table : inCheckedOrder(table));
}

type Column<T> = new (buffer: ArrayBuffer, byteOffset: number, length: number) => T;

/**
 * A column of the file as a view of the bytes read, not a copy: readIfThere reads into a buffer of its own that
 * starts 8-aligned, so the 8-aligned columns of the layout are aligned in memory too. Copied where they are not.
 */
function columnOf<T extends Float64Array | Uint32Array>(bytes: Buffer, at: number, length: number, Type: Column<T> & { BYTES_PER_ELEMENT: number }): T {
  const offset = bytes.byteOffset + at;
  if (offset % Type.BYTES_PER_ELEMENT === 0) return new Type(bytes.buffer as ArrayBuffer, offset, length);
  const copy = new Type(new ArrayBuffer(length * Type.BYTES_PER_ELEMENT), 0, length);
  bytes.copy(new Uint8Array(copy.buffer), 0, at, at + length * Type.BYTES_PER_ELEMENT);
  return copy;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Temp files of record writes killed half-way: `<record>.<pid>.<random>.tmp` (or older `<record>.<pid>.tmp`) whose process is gone. */
function removeStaleTemps(file: string): void {
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(path.dirname(file));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (!Number.isInteger(pid) || processAlive(pid)) continue;
    try {
      // unlink, never rm -r: a temp of ours is a file (or a link planted at its name); a folder by that name is not
      // ours, and neither removing it nor failing on it (every run would) is right.
      fs.unlinkSync(path.join(path.dirname(file), name));
    } catch {
      // A folder, or gone already: left as it is.
    }
  }
}

const { O_RDONLY, O_NONBLOCK, O_NOFOLLOW, O_WRONLY, O_CREAT, O_EXCL } = fs.constants;

class NotAFile extends Error {}

/**
 * A record file's bytes in two buffers: `head` up to where a version-3 record's paths start, `tail` the paths. The
 * columns are views of `head` (columnOf), the paths the snapshot's own bytes (path-text.ts). Where the split cannot be
 * seen (an older version, a header larger than the first read) `head` is the whole file and `tail` empty.
 */
interface RecordBytes {
  readonly head: Buffer;
  readonly tail: Buffer;
}

const NO_BYTES = Buffer.alloc(0);

/** The file's bytes if it is a regular file; undefined if there is none; NotAFile for a FIFO, folder, link... */
function readIfThere(file: string): RecordBytes | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NONBLOCK | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new NotAFile('it is a symbolic link');
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new NotAFile(stat.isDirectory() ? 'it is a folder' : 'it is not a regular file');
    const split = splitOf(fd, stat.size);
    if (split === undefined) return { head: readWhole(fd, 0, stat.size), tail: NO_BYTES };
    const head = mappedHead(fd, split) ?? readWhole(fd, 0, split, true);
    return { head, tail: head.length < split ? NO_BYTES : readWhole(fd, split, stat.size - split) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Bytes read to find a version-3 header's two lines: the header holds the content hashes, so it can be long. */
const HEADER_PEEK = 64 * 1024;

/**
 * A version-3 record's columns without reading them into fresh memory: a view of the file's pages (at.ts mapFile;
 * fresh memory costs a page fault per 4 KiB, and more on some virtual machines). Its paths are read apart, as they
 * always were, so the bytes checkPathBytes passes are the run's own whatever then happens to the file; records are
 * only ever replaced by rename, never written in place. Undefined where the addon cannot map: read then.
 */
function mappedHead(fd: number, split: number): Buffer | undefined {
  const pages = split > 0 ? loadAtOps().mapFile?.(fd, split) : undefined;
  return pages === undefined || pages.byteLength !== split ? undefined : Buffer.from(pages);
}

/** Where the paths of the version-3 record in `fd` start, if its first bytes tell (decode checks all of it again). */
function splitOf(fd: number, size: number): number | undefined {
  const peek = Buffer.alloc(Math.min(size, HEADER_PEEK));
  const n = fs.readSync(fd, peek, 0, peek.length, 0);
  const headerEnd = peek.indexOf(10);
  const checksumEnd = headerEnd < 0 || headerEnd + 1 >= n ? -1 : peek.indexOf(10, headerEnd + 1);
  if (checksumEnd < 0 || checksumEnd >= n) return undefined;
  let header: { version?: unknown; rows?: unknown };
  try {
    header = JSON.parse(peek.toString('utf8', 0, headerEnd)) as { version?: unknown; rows?: unknown };
  } catch {
    return undefined; // decode says what is wrong with it
  }
  if (header.version !== RECORD_VERSION || !Number.isSafeInteger(header.rows) || (header.rows as number) < 0) return undefined;
  const split = pathsStart(checksumEnd, header.rows as number);
  return split <= size ? split : undefined;
}

/**
 * `size` bytes of the file from `position` in a buffer of their own (so its columns can be viewed in place:
 * columnOf), read straight into it. readFileSync on a descriptor does not trust the size: it reads in 64 KiB
 * pieces and joins them, a second copy of a 10 MB record. Unless `exact`, a file that grew since fstat is read
 * whole all the same (decode then finds it damaged).
 */
function readWhole(fd: number, position: number, size: number, exact = false): Buffer {
  const bytes = Buffer.from(new ArrayBuffer(exact ? size : size + 1));
  let done = 0;
  while (done < bytes.length) {
    const n = fs.readSync(fd, bytes, done, bytes.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  if (exact || done <= size) return bytes.subarray(0, done);
  const more: Buffer[] = [bytes];
  for (let at = position + done; ; ) {
    const piece = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, piece, 0, piece.length, at);
    if (n === 0) return Buffer.concat(more);
    more.push(piece.subarray(0, n));
    at += n;
  }
}

/** Loads the record of a pair; a missing one is empty, an unusable one is moved aside and reported. */
export function loadRecord(file: string, source: string, replica: string): LoadedRecord {
  removeStaleTemps(file);
  let from = file;
  try {
    const current = readIfThere(file);
    if (current !== undefined) return loadBytes(current, source, replica);
    from = legacyFileOf(file);
    const legacy = file.endsWith('.rec') ? readIfThere(from) : undefined;
    if (legacy === undefined) return { record: emptyRecord(), existed: false };
    const v1 = decodeV1(Buffer.concat([legacy.head, legacy.tail]).toString('utf8'), (data, version) => checkHeader(data, source, replica, version));
    return { record: recordOf(v1.header as Partial<Header>, fromLegacy(v1.table)), existed: true, outdated: true };
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

function loadBytes({ head, tail }: RecordBytes, source: string, replica: string): LoadedRecord {
  const newline = head.indexOf(10);
  if (newline < 0) throw new Error('not a record');
  const version = (JSON.parse(head.toString('utf8', 0, newline)) as { version?: unknown }).version;
  if (version === 2) {
    const v2 = decodeV2(tail.length > 0 ? Buffer.concat([head, tail]) : head, newline, (data) => checkHeader(data, source, replica, 2));
    return { record: recordOf(v2.header as Partial<Header>, fromLegacy(v2.table)), existed: true, outdated: true };
  }
  return { record: decode(head, tail, newline, source, replica), existed: true };
}

function headerLine(record: SyncRecord, source: string, replica: string, pathBytes: number): Buffer {
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
    rows: record.table.rows,
    pathBytes,
    hashes,
    // Every snapshot a run makes is in path order (record.ts); loads check older ones and put them in it.
    inPathOrder: true,
  };
  return Buffer.from(`${JSON.stringify(header)}\n`, 'utf8');
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
}

/** Writes the record atomically: a kill at any moment leaves either the old file or the new one. */
export function saveRecord(file: string, record: SyncRecord, source: string, replica: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { numbers, small } = record.table;
  // The snapshot's own bytes when it has them (a run's next record does): no string per path is made to save it.
  const paths = record.table.joinedPaths();
  const header = headerLine(record, source, replica, paths.length);
  const columns = [new Uint8Array(numbers.buffer, numbers.byteOffset, numbers.byteLength), new Uint8Array(small.buffer, small.byteOffset, small.byteLength), paths];
  const hash = createHash('sha256').update(header);
  for (const column of columns) hash.update(column);
  const checksum = Buffer.from(`sha256 ${hash.digest('hex')}\n`, 'latin1');
  const written = header.length + checksum.length;
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    writeAll(fd, Buffer.concat([header, checksum, Buffer.alloc(align8(written) - written)]));
    for (const column of columns) writeAll(fd, column);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, file);
  const dirFd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
  if (file.endsWith('.rec')) fs.rmSync(legacyFileOf(file), { force: true });
}
