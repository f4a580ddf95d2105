/**
 * Scan: a tree on disk → a snapshot (metadata only, never file contents). Synchronous on purpose: batched
 * `lstatSync` calls are several times faster than promise-per-entry, and the caller runs this off the main
 * thread (scan-worker.ts) so the event loop is never blocked.
 */
import fs from 'node:fs';
import type { ExcludeMatcher } from './exclude.js';
import { fsPath, isReservedName, joinPath } from './paths.js';
import type { Entry, EntryKind, Snapshot } from './types.js';

export interface ScanProblem {
  readonly path: string;
  readonly message: string;
}

export interface ScanResult {
  readonly entries: Snapshot;
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

/** Receives each scanned entry: the Map of scanTree, or the packed columns a scan worker sends. */
export interface ScanSink {
  add(rel: string, stat: fs.Stats, target: string | undefined): void;
}

export type ScanReport = Omit<ScanResult, 'entries'>;

/** Walks `rootBytes` (a byte-string absolute path to an existing folder), depth first, names sorted. */
export function walkTree(rootBytes: string, sink: ScanSink, exclude?: ExcludeMatcher): ScanReport {
  const report: ScanReport = { problems: [], unreadableDirs: [], reserved: [] };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      // latin1 names are the raw bytes, one character each: exactly the byte strings the engine works in.
      names = fs.readdirSync(fsPath(joinPath(rootBytes, dir)), { encoding: 'latin1' }).sort();
    } catch (error) {
      report.unreadableDirs.push(dir);
      if (dir !== '') report.problems.push({ path: dir, message: `cannot list folder (${errorText(error)})` });
      else throw error;
      continue;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      if (isReservedName(name)) {
        report.reserved.push(rel);
        continue;
      }
      if (exclude?.(rel)) continue;
      const abs = joinPath(rootBytes, rel);
      try {
        const stat = fs.lstatSync(fsPath(abs), { throwIfNoEntry: false });
        if (stat === undefined) continue; // vanished since the listing
        const target = stat.isSymbolicLink() ? fs.readlinkSync(fsPath(abs), { encoding: 'latin1' }) : undefined;
        sink.add(rel, stat, target);
        if (stat.isDirectory()) subdirs.push(rel);
      } catch (error) {
        report.problems.push({ path: rel, message: `cannot read (${errorText(error)})` });
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i -= 1) pending.push(subdirs[i]!);
  }
  return report;
}

export function scanTree(rootBytes: string, exclude?: ExcludeMatcher): ScanResult {
  const entries: Snapshot = new Map();
  const report = walkTree(rootBytes, { add: (rel, stat, target) => entries.set(rel, entryFromStats(stat, target)) }, exclude);
  return { entries, ...report };
}
