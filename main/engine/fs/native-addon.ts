/**
 * Finds and loads native/build/folder_sync.node, the C addon (native/src/). The engine runs from dist/engine/fs/
 * (tsc), from the CLI bundle in dist/cli/ (esbuild) and from an Electron package, so the file is looked for in
 * each folder above this module; in a package it lives in app.asar.unpacked (package.json `asarUnpack`), since
 * a .node file cannot be loaded from inside the archive.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon's exports as the C code defines them (ops.c, scan_js.c, path_rows_js.c). */
export interface NativeAddon {
  readonly version: number;
  openRoot(absPath: string): number;
  openDirAt(dirFd: number, name: string): number;
  openAt(dirFd: number, name: string, flags: number, mode: number): number;
  /** Fills `out` with the STAT_FIELDS numbers (file-stat.ts); false when there is no such entry. */
  statAt(dirFd: number, name: string, out: Float64Array): boolean;
  fstat(fd: number, out: Float64Array): void;
  /** The names joined by NUL. */
  readDir(dirFd: number): string;
  mkdirAt(dirFd: number, name: string, mode: number): void;
  unlinkAt(dirFd: number, name: string): void;
  rmdirAt(dirFd: number, name: string): void;
  renameAt(fromDirFd: number, fromName: string, toDirFd: number, toName: string): void;
  linkAt(fromDirFd: number, fromName: string, toDirFd: number, toName: string): void;
  symlinkAt(target: string, dirFd: number, name: string): void;
  readlinkAt(dirFd: number, name: string): string;
  chmodAt(dirFd: number, name: string, mode: number): void;
  fchmod(fd: number, mode: number): void;
  setTimesAt(dirFd: number, name: string, atimeMs: number, mtimeMs: number): void;
  futimes(fd: number, atimeMs: number, mtimeMs: number): void;
  close(fd: number): void;
  seekData(fd: number, offset: number): number;
  seekHole(fd: number, offset: number): number;
  scanSync(rootFd: number, reservedPrefix: string, sameDevice: boolean, exclude: ((rel: string, isDir: boolean) => boolean) | undefined): RawScan;
  scanAsync(rootFd: number, reservedPrefix: string, sameDevice: boolean): Promise<RawScan>;
  /** Where each of `rows` NUL-joined paths starts, and one more: bytes.length + 1 (path_rows.c). */
  pathRowStarts(bytes: Uint8Array, rows: number): Uint32Array;
  /** Per row of `a`, the row of `b` holding the same path, or -1; both in path order (path_rows.c). */
  alignPathRows(a: Uint8Array, aStarts: Uint32Array, b: Uint8Array, bStarts: Uint32Array): Int32Array;
  /** Whether `rows` NUL-joined paths are all safe relative paths (path_rows.c). */
  pathsSafe(bytes: Uint8Array, rows: number): boolean;
  /** The first `length` bytes of the regular file open at `fd` as a private mapping of its pages, or undefined (map_js.c). */
  mapFile(fd: number, length: number): ArrayBuffer | undefined;
  /** unlinkat on libuv's pool, the folder's descriptor duplicated first (unlink_js.c). */
  unlinkAtAsync(dirFd: number, name: string): Promise<void>;
  /** copy_js.c: [status, ...stat before, ...stat after]; rejects with an errno error carrying `stage`. */
  copyFileAsync(sourceDirFd: number, sourceName: string, tempDirFd: number, tempName: string, size: number, mode: number, setMode: boolean, mtimeMs: number): Promise<Float64Array>;
}

/** What scanSync/scanAsync return: at.ts's NativeScan, spelled out here so this file stands alone. */
export interface RawScan {
  readonly paths: Uint8Array;
  readonly count: number;
  readonly numbers: Float64Array;
  readonly small: Uint32Array;
  readonly targets: Array<[number, string]>;
  readonly problems: Array<{ path: string; message: string }>;
  readonly unreadableDirs: string[];
  readonly reserved: string[];
  readonly mountPoints: string[];
}

/** ADDON_VERSION in addon.c: a build from other sources is refused rather than called with the wrong arguments. */
const ADDON_VERSION = 8;
const ADDON_FILE = path.join('native', 'build', 'folder_sync.node');

/** The first folder at or above `start` holding native/build/folder_sync.node. */
export function findAddon(start: string): string | undefined {
  // Electron's fs reads inside app.asar, but dlopen cannot: the unpacked copy sits beside the archive.
  let dir = start.replace(/([/\\])app\.asar(?=[/\\]|$)/, '$1app.asar.unpacked');
  for (;;) {
    const candidate = path.join(dir, ADDON_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function loadFrom(file: string): NativeAddon {
  const addon = createRequire(import.meta.url)(file) as Partial<NativeAddon>;
  if (addon.version !== ADDON_VERSION) throw new Error(`${file} is version ${String(addon.version)}, not ${ADDON_VERSION}: rebuild it (npm install)`);
  return addon as NativeAddon;
}

/**
 * The addon, or undefined where it is missing, cannot load, or FOLDER_SYNC_NATIVE=0 says not to use it. A
 * failure is silent (the /proc backend keeps the same guarantees) unless FOLDER_SYNC_NATIVE=1 asks for the addon.
 */
export function loadNativeAddon(env: NodeJS.ProcessEnv = process.env): NativeAddon | undefined {
  const wanted = env.FOLDER_SYNC_NATIVE;
  if (wanted === '0') return undefined;
  const file = env.FOLDER_SYNC_NATIVE_PATH || findAddon(path.dirname(fileURLToPath(import.meta.url)));
  try {
    if (file === undefined) throw new Error(`no ${ADDON_FILE} above ${fileURLToPath(import.meta.url)}`);
    return loadFrom(file);
  } catch (error) {
    if (wanted === '1') throw new Error(`FOLDER_SYNC_NATIVE=1, but the native file-access module did not load: ${(error as Error).message}`, { cause: error });
    return undefined;
  }
}
