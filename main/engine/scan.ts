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
  const target = fs.readlinkSync(fsPath(absBytes), { encoding: 'buffer' }).toString('latin1');
  return entryFromStats(stat, target);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** Walks `rootBytes` (a byte-string absolute path to an existing folder), depth first, names sorted. */
export function scanTree(rootBytes: string, exclude?: ExcludeMatcher): ScanResult {
  const result: ScanResult = { entries: new Map(), problems: [], unreadableDirs: [], reserved: [] };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let names: string[];
    try {
      // latin1 names are the raw bytes, one character each: exactly the byte strings the engine works in.
      names = fs.readdirSync(fsPath(joinPath(rootBytes, dir)), { encoding: 'latin1' }).sort();
    } catch (error) {
      result.unreadableDirs.push(dir);
      if (dir !== '') result.problems.push({ path: dir, message: `cannot list folder (${errorText(error)})` });
      else throw error;
      continue;
    }
    const subdirs: string[] = [];
    for (const name of names) {
      const rel = dir === '' ? name : `${dir}/${name}`;
      if (isReservedName(name)) {
        result.reserved.push(rel);
        continue;
      }
      if (exclude?.(rel)) continue;
      let entry: Entry | undefined;
      try {
        entry = statEntry(joinPath(rootBytes, rel));
      } catch (error) {
        result.problems.push({ path: rel, message: `cannot read (${errorText(error)})` });
        continue;
      }
      if (entry === undefined) continue;
      result.entries.set(rel, entry);
      if (entry.kind === 'dir') subdirs.push(rel);
    }
    for (let i = subdirs.length - 1; i >= 0; i -= 1) pending.push(subdirs[i]!);
  }
  return result;
}
