/**
 * Scan, in JavaScript: a tree on disk → entries (metadata only, never file contents), where the native scanner
 * (fs/at.ts scanSync/scanAsync) is not there. The same walk and the same guarantee: each folder is opened from its
 * parent's descriptor without following links, listed and stat'ed through that descriptor, so a folder swapped for
 * a symlink mid-scan is never followed out of the tree. Synchronous on purpose: batched calls are several times
 * faster than promise-per-entry, and the caller runs this off the main thread (scan-worker.ts).
 */
import { loadAtOps, type AtOps, type FileStat } from '../fs/at.js';
import { mountPointsBelow } from '../fs/mount-points.js';
import { isReservedName } from '../fs/paths.js';
import type { Entry, EntryKind, EntryMap } from '../types.js';
import type { ExcludeMatcher } from './exclude.js';

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
  /** Folders on another mount than the root's (another device, a tmpfs, a bind mount), not walked (the scan was asked not to cross). */
  readonly mountPoints: string[];
}

/** What lstat says, as fs.Stats or at.ts's FileStat give it. */
export type StatLike = Pick<FileStat, 'mode' | 'size' | 'mtimeMs' | 'ctimeMs' | 'birthtimeMs' | 'ino' | 'dev'>;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

export function kindOfMode(mode: number): EntryKind {
  const type = mode & S_IFMT;
  if (type === S_IFREG) return 'file';
  if (type === S_IFDIR) return 'dir';
  if (type === S_IFLNK) return 'symlink';
  return 'other';
}

export function entryOf(stat: StatLike, target?: string): Entry {
  const kind = kindOfMode(stat.mode);
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

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/**
 * Receives each scanned entry. The relative path is `dirPrefix + name`; it is left to the sink to build, because
 * the packed sink never needs it per entry.
 */
export interface ScanSink {
  /** `dirPrefix` is the folder's relative path with a trailing slash, '' for the root; one string per folder. */
  add(dirPrefix: string, name: string, stat: FileStat, target: string | undefined): void;
}

export type ScanReport = Omit<ScanResult, 'entries'>;

export interface WalkOptions {
  readonly exclude?: ExcludeMatcher;
  /** Do not walk into folders on another mount than the root's (device or bind mount); they are listed in `mountPoints`. */
  readonly sameDevice?: boolean;
}

/** A folder being walked: its descriptor (opened from its parent's), and its subfolders still to walk. */
interface Frame {
  readonly relPrefix: string;
  readonly fd: number;
  readonly subdirs: string[];
  next: number;
}

/**
 * Walks the tree whose root folder is open as `rootFd`, depth first, names sorted by their bytes. Each folder's
 * entries are reported together, then its subfolders are walked in name order, each opened from its parent's
 * descriptor when the walk reaches it (so at most one descriptor per level is open). The caller keeps `rootFd`.
 */
export function walkTree(rootFd: number, sink: ScanSink, options: WalkOptions = {}, ops: AtOps = loadAtOps()): ScanReport {
  const report: ScanReport & { rootError?: unknown } = { problems: [], unreadableDirs: [], reserved: [], mountPoints: [] };
  const walls: Walls = { dev: ops.fstat(rootFd).dev, mountPoints: options.sameDevice === true ? mountPointsBelow(rootFd) : new Set() };
  const root = listFolder(ops, rootFd, '', sink, options, walls, report);
  if (root === undefined) throw report.rootError;
  const stack: Frame[] = [{ relPrefix: '', fd: rootFd, subdirs: root, next: 0 }];
  try {
    while (stack.length > 0) {
      const frame = stack.at(-1)!;
      if (frame.next === frame.subdirs.length) {
        stack.pop();
        if (frame.fd !== rootFd) ops.close(frame.fd);
        continue;
      }
      const name = frame.subdirs[frame.next]!;
      frame.next += 1;
      const rel = frame.relPrefix + name;
      let fd: number;
      try {
        fd = ops.openDirAt(frame.fd, name);
      } catch (error) {
        // Gone since its stat, or swapped for a link (ENOTDIR, ELOOP): never followed.
        if (errorText(error) !== 'ENOENT') unreadable(report, rel, error);
        continue;
      }
      const subdirs = listFolder(ops, fd, `${rel}/`, sink, options, walls, report);
      if (subdirs === undefined) ops.close(fd);
      else stack.push({ relPrefix: `${rel}/`, fd, subdirs, next: 0 });
    }
  } finally {
    for (const frame of stack) if (frame.fd !== rootFd) ops.close(frame.fd);
  }
  const { rootError: _rootError, ...result } = report;
  return result;
}

/** Where a walk that does not cross mounts stops: the root's device, and the mount points below the root (bind mounts of the same device). */
interface Walls {
  readonly dev: number;
  readonly mountPoints: ReadonlySet<string>;
}

function unreadable(report: ScanReport, rel: string, error: unknown): void {
  report.unreadableDirs.push(rel);
  report.problems.push({ path: rel, message: `cannot list folder (${errorText(error)})` });
}

/**
 * Lists and stats one folder's entries, reporting each to the sink in name order; returns the names of its
 * subfolders to walk, or undefined when it cannot be listed (the root: the error is kept to be thrown).
 */
function listFolder(
  ops: AtOps,
  fd: number,
  relPrefix: string,
  sink: ScanSink,
  options: WalkOptions,
  walls: Walls,
  report: ScanReport & { rootError?: unknown },
): string[] | undefined {
  let names: string[];
  try {
    names = ops.readDir(fd).sort();
  } catch (error) {
    if (relPrefix === '') report.rootError = error;
    else unreadable(report, relPrefix.slice(0, -1), error);
    return undefined;
  }
  const subdirs: string[] = [];
  for (const name of names) {
    const rel = relPrefix + name;
    if (isReservedName(name)) {
      report.reserved.push(rel);
      continue;
    }
    let stat: FileStat | undefined;
    let target: string | undefined;
    try {
      stat = ops.statAt(fd, name);
      if (stat === undefined) continue; // vanished since the listing
      target = (stat.mode & S_IFMT) === S_IFLNK ? ops.readlinkAt(fd, name) : undefined;
    } catch (error) {
      report.problems.push({ path: rel, message: `cannot read (${errorText(error)})` });
      continue;
    }
    const isDir = (stat.mode & S_IFMT) === S_IFDIR;
    if (options.exclude !== undefined && options.exclude(rel, isDir)) continue;
    sink.add(relPrefix, name, stat, target);
    if (!isDir) continue;
    if (options.sameDevice === true && (stat.dev !== walls.dev || walls.mountPoints.has(rel))) report.mountPoints.push(rel);
    else subdirs.push(name);
  }
  return subdirs;
}

/** The walk into a map of entries (tests and small callers); `root` a byte-string path or an open folder. */
export function scanTree(root: string | number, options: WalkOptions = {}): ScanResult {
  const ops = loadAtOps();
  const rootFd = typeof root === 'number' ? root : ops.openRoot(root);
  try {
    const entries: EntryMap = new Map();
    const sink: ScanSink = { add: (dirPrefix, name, stat, target) => entries.set(dirPrefix + name, entryOf(stat, target)) };
    return { entries, ...walkTree(rootFd, sink, options, ops) };
  } finally {
    if (typeof root !== 'number') ops.close(rootFd);
  }
}

