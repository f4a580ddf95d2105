/**
 * The file record: what the last runs synced, per path — the source's size, mtime, ctime, inode and mode, the
 * replica's own mtime, and a content hash when one was computed. It lets a no-change run skip every read,
 * notices a file replaced by another of equal size and mtime (inode, ctime), notices a replica file edited
 * behind our back (replica mtime) and finds renames without hashing (inode).
 *
 * Stored as one JSON file per (source, replica) pair, in columns rather than one object per entry, the numbers
 * as one base64 Float64Array (parsed natively, exact to the bit), written atomically: temp file, fsync, rename, fsync folder.
 * A file that fails any check is set aside and the run starts from an empty record: never trusted.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MountIdentity } from './mounts.js';
import { DuplicatePathError, pathOrder } from './path-order.js';
import { isSafeRelative } from './paths.js';
import type { ReplicaTraits } from './types.js';

export const RECORD_FORMAT = 'folder-sync-record';
export const RECORD_VERSION = 1;

export interface RecordEntry {
  readonly kind: 'file' | 'dir' | 'symlink';
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly mode: number;
  /** The replica's own mtime as last seen after syncing: an edit behind our back changes it. */
  readonly repMtimeMs: number;
  readonly hash?: string;
}


/**
 * The entries as columns, one row each: what is loaded, compared and saved, with no object per entry (a hundred
 * thousand objects cost more to build and collect than the scans of both trees take).
 */
export interface RecordTable {
  readonly paths: readonly string[];
  /** One code per row: f, d or l. */
  readonly kinds: string;
  /** COLUMNS numbers per row: size, mtimeMs, ctimeMs, ino, mode, replica mtimeMs. */
  readonly numbers: Float64Array;
  /** Content hashes by row. */
  readonly hashes: ReadonlyMap<number, string>;
  /**
   * The rows in path order (path-order.ts) when they are not stored so (a record written by an older version).
   * Absent, the rows are in path order: loadRecord checks, and every table made here is built so.
   */
  readonly order?: Int32Array;
}

export interface SyncRecord {
  readonly table: RecordTable;
  readonly replicaMount?: MountIdentity;
  readonly sourceMount?: MountIdentity;
  /** What the replica's file system was found to hold, reused while it stays on the same mount. */
  readonly traits?: ReplicaTraits;
}

export interface LoadedRecord {
  readonly record: SyncRecord;
  /** Set when an unusable record file was moved aside: the sentence to log. */
  readonly warning?: string;
  readonly existed: boolean;
}

const KIND_CODES = { file: 'f', dir: 'd', symlink: 'l' } as const;
const CODE_KINDS: Record<string, RecordEntry['kind']> = { f: 'file', d: 'dir', l: 'symlink' };

interface RecordFile {
  format: string;
  version: number;
  source: string;
  replica: string;
  replicaMount?: MountIdentity;
  sourceMount?: MountIdentity;
  traits?: ReplicaTraits;
  paths: string[];
  kinds: string;
  /** Per entry, size, mtimeMs, ctimeMs, ino, mode, replica mtimeMs: a Float64Array in base64 (parsed natively). */
  numbers: string;
  hashes: Record<string, string>;
}

export const COLUMNS = 6;

export function recordFileFor(stateDir: string, source: string, replica: string): string {
  const id = createHash('sha256').update(`${source}\0${replica}`).digest('hex').slice(0, 24);
  return path.join(stateDir, `record-${id}.json`);
}

export function emptyRecord(): SyncRecord {
  return { table: tableOf(new Map()) };
}

export function kindAt(table: RecordTable, row: number): RecordEntry['kind'] {
  return CODE_KINDS[table.kinds[row]!]!;
}

/** One row as an object, for the few entries a run has to reason about. */
export function rowEntry(table: RecordTable, row: number): RecordEntry {
  const n = table.numbers;
  const c = row * COLUMNS;
  const hash = table.hashes.get(row);
  const entry = { kind: kindAt(table, row), size: n[c]!, mtimeMs: n[c + 1]!, ctimeMs: n[c + 2]!, ino: n[c + 3]!, mode: n[c + 4]!, repMtimeMs: n[c + 5]! };
  return hash === undefined ? entry : { ...entry, hash };
}

/** Every row as an object, in row order. */
export function entriesOf(table: RecordTable): Map<string, RecordEntry> {
  const entries = new Map<string, RecordEntry>();
  for (let row = 0; row < table.paths.length; row += 1) entries.set(table.paths[row]!, rowEntry(table, row));
  return entries;
}

/** Builds a table row by row; rows may be copied whole from another table. */
export class TableBuilder {
  private readonly paths: string[] = [];
  private readonly kinds: string[] = [];
  private numbers = new Float64Array(COLUMNS * 1024);
  private readonly hashes = new Map<number, string>();

  private room(): number {
    const at = this.paths.length * COLUMNS;
    if (at + COLUMNS > this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    return at;
  }

  add(rel: string, e: RecordEntry): void {
    const c = this.room();
    if (e.hash !== undefined) this.hashes.set(this.paths.length, e.hash);
    this.paths.push(rel);
    this.kinds.push(KIND_CODES[e.kind]);
    this.numbers.set([e.size, e.mtimeMs, e.ctimeMs, e.ino, e.mode, e.repMtimeMs], c);
  }

  copyRow(table: RecordTable, row: number): void {
    const c = this.room();
    const hash = table.hashes.get(row);
    if (hash !== undefined) this.hashes.set(this.paths.length, hash);
    this.paths.push(table.paths[row]!);
    this.kinds.push(table.kinds[row]!);
    this.numbers.set(table.numbers.subarray(row * COLUMNS, row * COLUMNS + COLUMNS), c);
  }

  get size(): number {
    return this.paths.length;
  }

  build(): RecordTable {
    return { paths: this.paths, kinds: this.kinds.join(''), numbers: this.numbers.slice(0, this.paths.length * COLUMNS), hashes: this.hashes };
  }
}

/** The table with its rows in path order, as every record is saved. */
export function inPathOrder(table: RecordTable): RecordTable {
  const order = pathOrder(table.paths);
  if (order === undefined) return table;
  const builder = new TableBuilder();
  for (const row of order) builder.copyRow(table, row);
  return builder.build();
}

export function tableOf(entries: ReadonlyMap<string, RecordEntry>): RecordTable {
  const builder = new TableBuilder();
  for (const [rel, entry] of entries) builder.add(rel, entry);
  return inPathOrder(builder.build());
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

/** Throws a sentence when the parsed JSON is not a record of this pair in this format. */
function decode(data: unknown, source: string, replica: string): SyncRecord {
  if (typeof data !== 'object' || data === null) throw new Error('not a record');
  const file = data as Partial<RecordFile>;
  if (file.format !== RECORD_FORMAT) throw new Error('not a folder-sync record');
  if (file.version !== RECORD_VERSION) throw new Error(`unsupported record version ${String(file.version)}`);
  if (file.source !== source || file.replica !== replica) throw new Error('the record belongs to another pair of folders');
  const { paths, kinds, hashes } = file;
  if (!Array.isArray(paths) || typeof kinds !== 'string' || kinds.length !== paths.length) throw new Error('damaged entries');
  if (typeof file.numbers !== 'string' || typeof hashes !== 'object' || hashes === null) throw new Error('damaged entries');
  if (!isMount(file.replicaMount) || !isMount(file.sourceMount)) throw new Error('damaged entries');
  const n = paths.length;
  const bytes = Buffer.from(file.numbers, 'base64');
  if (bytes.length !== n * COLUMNS * 8) throw new Error('damaged entries');
  const numbers = new Float64Array(n * COLUMNS);
  bytes.copy(Buffer.from(numbers.buffer));
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
  const table: RecordTable = { paths: paths as string[], kinds, numbers, hashes: rowHashes, ...(order ? { order } : {}) };
  return {
    table,
    ...(file.replicaMount ? { replicaMount: file.replicaMount } : {}),
    ...(file.sourceMount ? { sourceMount: file.sourceMount } : {}),
    ...(isTraits(file.traits) ? { traits: file.traits } : {}),
  };
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

/** Loads the record of a pair; a missing one is empty, an unusable one is moved aside and reported. */
export function loadRecord(file: string, source: string, replica: string): LoadedRecord {
  removeStaleTemps(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { record: emptyRecord(), existed: false };
    throw error;
  }
  try {
    return { record: decode(JSON.parse(text), source, replica), existed: true };
  } catch (error) {
    const aside = `${file}.corrupt-${Date.now()}`;
    fs.renameSync(file, aside);
    const why = error instanceof Error ? error.message : String(error);
    return {
      record: emptyRecord(),
      existed: false,
      warning: `The file record ${file} could not be used (${why}); it was moved to ${aside} and will be rebuilt.`,
    };
  }
}

function encode(record: SyncRecord, source: string, replica: string): RecordFile {
  const { paths, kinds, numbers } = record.table;
  const hashes: Record<string, string> = {};
  for (const [row, hash] of record.table.hashes) hashes[String(row)] = hash;
  return {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    source,
    replica,
    ...(record.replicaMount ? { replicaMount: record.replicaMount } : {}),
    ...(record.sourceMount ? { sourceMount: record.sourceMount } : {}),
    ...(record.traits ? { traits: record.traits } : {}),
    paths: paths as string[],
    kinds,
    numbers: Buffer.from(numbers.buffer, numbers.byteOffset, numbers.byteLength).toString('base64'),
    hashes,
  };
}

/** Writes the record atomically: a kill at any moment leaves either the old file or the new one. */
export function saveRecord(file: string, record: SyncRecord, source: string, replica: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(encode(record, source, replica)));
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
}
