/**
 * Scan: a tree on disk → a snapshot (metadata only, never file contents). Synchronous on purpose: batched
 * `lstatSync` calls are several times faster than promise-per-entry, and the caller runs this off the main
 * thread (scan-worker.ts) so the event loop is never blocked.
 */
import fs from 'node:fs';
import type { ExcludeMatcher } from './exclude.js';
import { fsPath, isReservedName } from '../fs/paths.js';
import type { Entry, EntryKind, EntryMap } from '../types.js';

export interface ScanProblem {
  readonly path: string;
  readonly message: string;
}

export interface ScanResult {
  readonly entries: EntryMap;
  /** Entries that could not be read (their parents' listing worked): logged, left alone. */
  readonly problems: ScanProblem[];
  /** Folders whose listing failed: whatever the other side holds below them must be left alone. */
  readonly unreadableDirs: string[];
  /** Names with the engine's reserved prefix (temp files, staging, probes left by a killed run). */
  readonly reserved: string[];
}

function kindOf(stat: fs.Stats): EntryKind {
  if (stat.isFile()) return 'file';
  if (stat.isDirectory()) return 'dir';
  if (stat.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function entryFromStats(stat: fs.Stats, target?: string): Entry {
  const kind = kindOf(stat);
  const entry: Entry = {
    kind,
    size: kind === 'file' ? stat.size : 0,
    mtimeMs: stat.mtimeMs,
    ctimeMs: stat.ctimeMs,
    mode: stat.mode & 0o7777,
    ino: stat.ino,
    dev: stat.dev,
    birthtimeMs: stat.birthtimeMs,
  };
  return target === undefined ? entry : { ...entry, target };
}

/** lstat that reads a symlink's target too; undefined when the path vanished. */
export function statEntry(absBytes: string): Entry | undefined {
  const stat = fs.lstatSync(fsPath(absBytes), { throwIfNoEntry: false });
  if (stat === undefined) return undefined;
  if (!stat.isSymbolicLink()) return entryFromStats(stat);
  const target = fs.readlinkSync(fsPath(absBytes), { encoding: 'latin1' });
  return entryFromStats(stat, target);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/**
 * Receives each scanned entry: the Map of scanTree, or the packed columns a scan worker sends. The relative
 * path is `dirPrefix + name`; it is left to the sink to build, because the packed sink never needs it per entry.
 */
export interface ScanSink {
  /** `dirPrefix` is the folder's relative path with a trailing slash, '' for the root; one string per folder. */
  add(dirPrefix: string, name: string, stat: fs.Stats, target: string | undefined): void;
}

export type ScanReport = Omit<ScanResult, 'entries'>;

// Hoisted: an options literal per call is garbage, and there are 100,000 calls.
const LIST_OPTIONS = { encoding: 'latin1' } as const;
const LSTAT_OPTIONS = { bigint: false, throwIfNoEntry: false } as const;
const LINK_OPTIONS = { encoding: 'latin1' } as const;

// NUL never occurs in a name; 0x01-0x7f is ASCII. Same test as fsPath's, but per name instead of per path.
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x01-\x7f]*$/;

/** A folder waiting to be listed: its relative prefix and its absolute path, built once for all its entries. */
interface Folder {
  readonly relPrefix: string;
  readonly abs: string;
}

/**
 * Walks `rootBytes` (a byte-string absolute path to an existing folder), depth first, names sorted. Each
 * folder's entries are reported together, then its subfolders are walked in name order.
 */
export function walkTree(rootBytes: string, sink: ScanSink, exclude?: ExcludeMatcher): ScanReport {
  const report: ScanReport = { problems: [], unreadableDirs: [], reserved: [] };
  const pending: Folder[] = [{ relPrefix: '', abs: rootBytes }];
  const subdirs: string[] = [];
  while (pending.length > 0) {
    const { relPrefix, abs: absDir } = pending.pop()!;
    // A path is ASCII when its folder and its name are: one test per name instead of a regex over every path.
    const asciiDir = ASCII.test(absDir);
    let names: string[];
    try {
      // latin1 names are the raw bytes, one character each: exactly the byte strings the engine works in.
      names = fs.readdirSync(asciiDir ? absDir : Buffer.from(absDir, 'latin1'), LIST_OPTIONS).sort();
    } catch (error) {
      const dir = relPrefix.slice(0, -1);
      report.unreadableDirs.push(dir);
      if (dir !== '') report.problems.push({ path: dir, message: `cannot list folder (${errorText(error)})` });
      else throw error;
      continue;
    }
    const absPrefix = absDir.endsWith('/') ? absDir : `${absDir}/`;
    subdirs.length = 0;
    for (const name of names) {
      if (isReservedName(name)) {
        report.reserved.push(relPrefix + name);
        continue;
      }
      if (exclude !== undefined && exclude(relPrefix + name)) continue;
      const abs = absPrefix + name;
      const path = asciiDir && ASCII.test(name) ? abs : Buffer.from(abs, 'latin1');
      try {
        const stat = fs.lstatSync(path, LSTAT_OPTIONS);
        if (stat === undefined) continue; // vanished since the listing
        const target = stat.isSymbolicLink() ? fs.readlinkSync(path, LINK_OPTIONS) : undefined;
        sink.add(relPrefix, name, stat, target);
        if (stat.isDirectory()) subdirs.push(name);
      } catch (error) {
        report.problems.push({ path: relPrefix + name, message: `cannot read (${errorText(error)})` });
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i -= 1) {
      const name = subdirs[i]!;
      pending.push({ relPrefix: `${relPrefix}${name}/`, abs: absPrefix + name });
    }
  }
  return report;
}

export function scanTree(rootBytes: string, exclude?: ExcludeMatcher): ScanResult {
  const entries: EntryMap = new Map();
  const sink: ScanSink = { add: (dirPrefix, name, stat, target) => entries.set(dirPrefix + name, entryFromStats(stat, target)) };
  const report = walkTree(rootBytes, sink, exclude);
  return { entries, ...report };
}
