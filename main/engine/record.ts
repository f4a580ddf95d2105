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


export interface SyncRecord {
  readonly entries: Map<string, RecordEntry>;
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

const COLUMNS = 6;

export function recordFileFor(stateDir: string, source: string, replica: string): string {
  const id = createHash('sha256').update(`${source}\0${replica}`).digest('hex').slice(0, 24);
  return path.join(stateDir, `record-${id}.json`);
}

export function emptyRecord(): SyncRecord {
  return { entries: new Map() };
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
  const entries = new Map<string, RecordEntry>();
  for (let i = 0; i < n; i += 1) {
    const rel = paths[i];
    const kind = CODE_KINDS[kinds[i]!];
    if (typeof rel !== 'string' || !isSafeRelative(rel) || kind === undefined || entries.has(rel)) {
      throw new Error(`unsafe or damaged entry ${JSON.stringify(rel)}`);
    }
    const c = i * COLUMNS;
    const hash = hashes[String(i)];
    const entry: RecordEntry =
      typeof hash === 'string'
        ? { kind, size: numbers[c]!, mtimeMs: numbers[c + 1]!, ctimeMs: numbers[c + 2]!, ino: numbers[c + 3]!, mode: numbers[c + 4]!, repMtimeMs: numbers[c + 5]!, hash }
        : { kind, size: numbers[c]!, mtimeMs: numbers[c + 1]!, ctimeMs: numbers[c + 2]!, ino: numbers[c + 3]!, mode: numbers[c + 4]!, repMtimeMs: numbers[c + 5]! };
    entries.set(rel, entry);
  }
  return {
    entries,
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
  const n = record.entries.size;
  const paths = new Array<string>(n);
  const kinds = new Array<string>(n);
  const numbers = new Float64Array(n * COLUMNS);
  const hashes: Record<string, string> = {};
  let i = 0;
  for (const [rel, e] of record.entries) {
    paths[i] = rel;
    kinds[i] = KIND_CODES[e.kind];
    const c = i * COLUMNS;
    numbers[c] = e.size;
    numbers[c + 1] = e.mtimeMs;
    numbers[c + 2] = e.ctimeMs;
    numbers[c + 3] = e.ino;
    numbers[c + 4] = e.mode;
    numbers[c + 5] = e.repMtimeMs;
    if (e.hash !== undefined) hashes[String(i)] = e.hash;
    i += 1;
  }
  return {
    format: RECORD_FORMAT,
    version: RECORD_VERSION,
    source,
    replica,
    ...(record.replicaMount ? { replicaMount: record.replicaMount } : {}),
    ...(record.sourceMount ? { sourceMount: record.sourceMount } : {}),
    ...(record.traits ? { traits: record.traits } : {}),
    paths,
    kinds: kinds.join(''),
    numbers: Buffer.from(numbers.buffer).toString('base64'),
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
