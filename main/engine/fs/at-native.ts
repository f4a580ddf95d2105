/** The 'native' AtOps: a thin typed wrapper of the C addon (native/src/ops.c, scan_js.c). */
import type { AtOps, NativeCopy, NativeScanOptions } from './at.js';
import { fileStatFrom, STAT_FIELDS } from './file-stat.js';
import type { NativeAddon } from './native-addon.js';

const DEFAULT_FILE_MODE = 0o666;

/** The addon's listing, names joined by NUL: one string to make in C instead of one per name. */
function splitNames(joined: string): string[] {
  return joined === '' ? [] : joined.split('\0');
}

/** copy_js.c's status numbers. */
const COPY_STATUS = ['done', 'not-regular', 'changed', 'not-dense'] as const;

function nativeCopyOf(result: Float64Array): NativeCopy {
  const status = COPY_STATUS[result[0]!];
  if (status === undefined) throw new Error(`folder_sync: unknown copy status ${result[0]}`);
  if (status !== 'done') return { status };
  return { status, before: fileStatFrom(result.subarray(1, 1 + STAT_FIELDS)), after: fileStatFrom(result.subarray(1 + STAT_FIELDS)) };
}

export function nativeAtOps(addon: NativeAddon): AtOps {
  // Filled by every stat call and read at once: one array per backend (per thread) instead of one per call.
  const numbers = new Float64Array(STAT_FIELDS);
  const scanArgs = (options: Omit<NativeScanOptions, 'exclude'>): [string, boolean] => [options.reservedPrefix, options.sameDevice ?? false];
  return {
    backend: 'native',
    openRoot: (absPath) => addon.openRoot(absPath),
    openDirAt: (dirFd, name) => addon.openDirAt(dirFd, name),
    openAt: (dirFd, name, flags, mode = DEFAULT_FILE_MODE) => addon.openAt(dirFd, name, flags, mode),
    statAt: (dirFd, name) => (addon.statAt(dirFd, name, numbers) ? fileStatFrom(numbers) : undefined),
    fstat: (fd) => {
      addon.fstat(fd, numbers);
      return fileStatFrom(numbers);
    },
    readDir: (dirFd) => splitNames(addon.readDir(dirFd)),
    mkdirAt: (dirFd, name, mode) => addon.mkdirAt(dirFd, name, mode),
    unlinkAt: (dirFd, name) => addon.unlinkAt(dirFd, name),
    rmdirAt: (dirFd, name) => addon.rmdirAt(dirFd, name),
    renameAt: (fromDirFd, fromName, toDirFd, toName) => addon.renameAt(fromDirFd, fromName, toDirFd, toName),
    linkAt: (fromDirFd, fromName, toDirFd, toName) => addon.linkAt(fromDirFd, fromName, toDirFd, toName),
    symlinkAt: (target, dirFd, name) => addon.symlinkAt(target, dirFd, name),
    readlinkAt: (dirFd, name) => addon.readlinkAt(dirFd, name),
    chmodAt: (dirFd, name, mode) => addon.chmodAt(dirFd, name, mode),
    fchmod: (fd, mode) => addon.fchmod(fd, mode),
    setTimesAt: (dirFd, name, atimeMs, mtimeMs) => addon.setTimesAt(dirFd, name, atimeMs, mtimeMs),
    futimes: (fd, atimeMs, mtimeMs) => addon.futimes(fd, atimeMs, mtimeMs),
    close: (fd) => addon.close(fd),
    seekData: (fd, offset) => addon.seekData(fd, offset),
    seekHole: (fd, offset) => addon.seekHole(fd, offset),
    scanSync: (rootFd, options) => addon.scanSync(rootFd, ...scanArgs(options), options.exclude),
    pathRowStarts: (bytes, rows) => addon.pathRowStarts(bytes, rows),
    alignPathRows: (a, aStarts, b, bStarts) => addon.alignPathRows(a, aStarts, b, bStarts),
    pathsSafe: (bytes, rows) => addon.pathsSafe(bytes, rows),
    mapFile: (fd, length) => addon.mapFile(fd, length),
    // A bad descriptor or name is refused before the work is queued: a rejection still, as from any async function.
    unlinkAtAsync: async (dirFd, name) => addon.unlinkAtAsync(dirFd, name),
    scanAsync: (rootFd, options) => {
      // A bad descriptor is refused before the scan is queued: a rejection still, as from any async function.
      try {
        return addon.scanAsync(rootFd, ...scanArgs(options));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    copyFileAsync: async (source, temp, file) =>
      nativeCopyOf(await addon.copyFileAsync(source.dirFd, source.name, temp.dirFd, temp.name, file.size, file.mode, file.setMode, file.mtimeMs)),
  };
}
