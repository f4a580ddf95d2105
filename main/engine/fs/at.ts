/**
 * File access relative to open folders: every name is one component below a folder descriptor, and no call
 * follows a symlink in it, so a folder swapped for a link while a run works in it can never lead the run
 * outside the tree. Two implementations with one interface: the C addon (native/src/, built at install) and,
 * where it could not be built, plain Node calls through /proc/self/fd. `loadAtOps()` picks one.
 */
import { nativeAtOps } from './at-native.js';
import { procAtOps } from './at-proc.js';
import { loadNativeAddon } from './native-addon.js';

/** What lstat/fstat say, the numbers exactly as Node's fs.Stats gives them. */
export interface FileStat {
  /** Full st_mode, type bits included. */
  readonly mode: number;
  readonly size: number;
  readonly blocks: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  /** 0 where the file system keeps no birth time. */
  readonly birthtimeMs: number;
  readonly ino: number;
  readonly dev: number;
  readonly nlink: number;
  readonly uid: number;
  readonly gid: number;
}

export interface NativeScanOptions {
  /** Names starting with it are listed in `reserved`, get no row and are not walked ('' reserves nothing). */
  readonly reservedPrefix: string;
  /** Called with each entry's relative path and whether it is a folder; true leaves it out (no row, not walked). */
  readonly exclude?: (rel: string, isDir: boolean) => boolean;
  /** Do not walk into folders on another device than the root's (they still get a row, and are listed in `mountPoints`). */
  readonly sameDevice?: boolean;
}

/** scanTreePacked's PackedScan (scan/packed.ts), in the snapshot's column layout, with the mount points. */
export interface NativeScan {
  /** Relative paths (their raw bytes) joined by NUL, no trailing NUL (empty for none). */
  readonly paths: Uint8Array;
  readonly count: number;
  /** Per row, as snapshot.ts lays them out: size (0 unless a regular file), mtimeMs, ctimeMs, ino, birthtimeMs (0 when unknown), dev. */
  readonly numbers: Float64Array;
  /** Per row: kind code (0 file, 1 dir, 2 symlink, 3 other), mode & 0o7777. */
  readonly small: Uint32Array;
  /** Symlink targets (byte strings) by row. */
  readonly targets: Array<[number, string]>;
  readonly problems: Array<{ path: string; message: string }>;
  readonly unreadableDirs: string[];
  readonly reserved: string[];
  /** With sameDevice: folders on another device than the root (a row is made for each, but it is not walked). */
  readonly mountPoints: string[];
}

/** Numbers per row in NativeScan.numbers: snapshot.ts's NUMBERS. */
export const NATIVE_SCAN_NUMBERS = 6;

/**
 * Names and targets are byte strings (latin1: one char per raw byte, paths.ts). A name is one component: NUL,
 * '/', '.' and '..' are refused with EINVAL. Errors are Node-style (`code`, negative `errno`, `syscall`, `path`).
 */
export interface AtOps {
  readonly backend: 'native' | 'proc';
  /** An absolute path (may follow symlinks: the user's own choice) opened as a folder: O_RDONLY|O_DIRECTORY|O_CLOEXEC. */
  openRoot(absPath: string): number;
  /** One component below dirFd, O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC: a symlink there fails (ENOTDIR or ELOOP), never followed. */
  openDirAt(dirFd: number, name: string): number;
  /** O_NOFOLLOW is always added; O_CLOEXEC too. Use fs.constants flags. Mode defaults to 0o666. */
  openAt(dirFd: number, name: string, flags: number, mode?: number): number;
  /** AT_SYMLINK_NOFOLLOW; undefined on ENOENT. */
  statAt(dirFd: number, name: string): FileStat | undefined;
  fstat(fd: number): FileStat;
  /** Names except . and .., any order; leaves dirFd's read position alone. */
  readDir(dirFd: number): string[];
  mkdirAt(dirFd: number, name: string, mode: number): void;
  unlinkAt(dirFd: number, name: string): void;
  /**
   * unlinkAt on libuv's pool: a deletion mostly waits on the file system, so a run keeps several in flight. `dirFd`
   * is duplicated before this returns (the caller may close it meanwhile); the copy is closed when it is done.
   */
  unlinkAtAsync(dirFd: number, name: string): Promise<void>;
  rmdirAt(dirFd: number, name: string): void;
  renameAt(fromDirFd: number, fromName: string, toDirFd: number, toName: string): void;
  /** Never follows fromName: a symlink there is linked itself. */
  linkAt(fromDirFd: number, fromName: string, toDirFd: number, toName: string): void;
  /** `target` may contain '/'. */
  symlinkAt(target: string, dirFd: number, name: string): void;
  readlinkAt(dirFd: number, name: string): string;
  /** Never follows: on a symlink it throws ENOTSUP (Linux cannot chmod a link), like fchmodat(AT_SYMLINK_NOFOLLOW). */
  chmodAt(dirFd: number, name: string, mode: number): void;
  fchmod(fd: number, mode: number): void;
  /** atime and mtime in ms, never following; native keeps the double's full precision, proc whole microseconds (libuv's). */
  setTimesAt(dirFd: number, name: string, atimeMs: number, mtimeMs: number): void;
  futimes(fd: number, atimeMs: number, mtimeMs: number): void;
  close(fd: number): void;
  /** lseek SEEK_DATA / SEEK_HOLE: the offset, or -1 for ENXIO (no more data). Absent on 'proc' (Node has no lseek). */
  seekData?(fd: number, offset: number): number;
  seekHole?(fd: number, offset: number): number;
  /** The tree scan by descriptor; absent on 'proc'. */
  scanSync?(rootFd: number, options: NativeScanOptions): NativeScan;
  /** The same on libuv's thread pool: scans run in parallel without a worker thread. No `exclude` (no JS runs there). */
  scanAsync?(rootFd: number, options: Omit<NativeScanOptions, 'exclude'>): Promise<NativeScan>;
  /** snapshot/path-text.ts's row starts and align-rows.ts's alignment, in C; absent on 'proc' (the same in JavaScript). */
  pathRowStarts?(bytes: Uint8Array, rows: number): Uint32Array;
  alignPathRows?(a: Uint8Array, aStarts: Uint32Array, b: Uint8Array, bStarts: Uint32Array): Int32Array;
  /** record-file.ts's checkPathBytes answering yes, in C; absent on 'proc'. */
  pathsSafe?(bytes: Uint8Array, rows: number): boolean;
  /**
   * The first `length` bytes of the regular file open at `fd` as a private mapping of its pages (no copy into fresh
   * memory), or undefined where they cannot be (Electron takes no external memory; a shorter file): read them then.
   * Only for files never written in place, as the record (replaced by rename): a mapped file cut short would crash
   * the process. Absent on 'proc'.
   */
  mapFile?(fd: number, length: number): ArrayBuffer | undefined;
  /** A small dense file copied to a new temp file on libuv's pool (native only): see NativeCopy. */
  copyFileAsync?(source: EntryAt, temp: EntryAt, file: NativeCopyFile): Promise<NativeCopy>;
}

/** An entry named relative to its folder's descriptor (which the call duplicates before it returns). */
export interface EntryAt {
  readonly dirFd: number;
  readonly name: string;
}

/** What copyFileAsync copies: the scanned size, and the mode and mtime the temp file gets. */
export interface NativeCopyFile {
  readonly size: number;
  readonly mode: number;
  readonly setMode: boolean;
  readonly mtimeMs: number;
}

/**
 * 'done': the temp file is complete, moded and stamped, and `before`/`after` are the source's stats around the read
 * (the caller checks them and renames); 'not-regular', 'changed' (other size, ended early, grew) and 'not-dense'
 * (has holes: the caller copies it) leave nothing behind. A failure rejects with an errno error whose `stage` is
 * COPY_STAGE's.
 */
export type NativeCopy =
  | { readonly status: 'done'; readonly before: FileStat; readonly after: FileStat }
  | { readonly status: 'not-regular' | 'changed' | 'not-dense' };

/** Where a copyFileAsync failed: opening the source, checking it (nothing written), or at the temp file or later. */
export const COPY_STAGE = { open: 0, check: 1, temp: 2 } as const;

let loaded: AtOps | undefined;

/**
 * The native backend when the addon loads, else the /proc one. FOLDER_SYNC_NATIVE=0 forces /proc;
 * FOLDER_SYNC_NATIVE=1 makes a missing or broken addon an error; FOLDER_SYNC_NATIVE_PATH names the .node file.
 * Decided once per thread.
 */
export function loadAtOps(): AtOps {
  if (loaded === undefined) {
    const addon = loadNativeAddon();
    loaded = addon === undefined ? procAtOps() : nativeAtOps(addon);
  }
  return loaded;
}

/** For logs and `--version`-style reports. */
export function describeBackend(): string {
  return loadAtOps().backend === 'native' ? 'native (C addon)' : 'built-in JavaScript (/proc/self/fd)';
}
