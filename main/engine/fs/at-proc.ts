/**
 * The 'proc' AtOps, for machines where the addon could not be built: plain Node fs calls on
 * /proc/self/fd/<dirFd>/<name>. Linux resolves /proc/self/fd/N to the open folder itself, not to the path it was
 * opened by, so these act in that folder even after it was moved or swapped for a symlink; the last component
 * is never followed (O_NOFOLLOW, lstat, lutimes, and chmod through an O_PATH descriptor).
 */
import fs from 'node:fs';
import type { AtOps } from './at.js';
import { errnoError, errorCode } from './errno-error.js';
import { fileStatOf } from './file-stat.js';

const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, S_IFMT, S_IFLNK } = fs.constants;
/** Linux's O_PATH (x86-64 and arm64), which Node's constants lack: a descriptor that pins an entry without opening it. */
const O_PATH = 0o10000000;
const DEFAULT_FILE_MODE = 0o666;
const LATIN1 = { encoding: 'latin1' } as const;
const LSTAT_OPTIONS = { throwIfNoEntry: false } as const;

// NUL never passes checkName; 0x01-0x7f is ASCII, the same as UTF-8, so such names need no Buffer.
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x01-\x7f]*$/;

// A byte string holds chars U+0001-U+00FF only: Buffer.from(latin1) keeps the low byte of any other, so U+012F would become '/'.
// eslint-disable-next-line no-control-regex
const NOT_BYTES = /[^\x01-\xff]/;

/** The rules the addon applies (native/src/args.c): bytes but NUL, and for a name one component ('/', '.' and '..' are EINVAL; '' is ENOENT, as the kernel says). */
function checkBytes(text: string, syscall: string): void {
  if (NOT_BYTES.test(text)) throw errnoError('EINVAL', syscall, text);
}

function checkName(name: string, syscall: string): void {
  if (name === '') throw errnoError('ENOENT', syscall, name);
  checkBytes(name, syscall);
  if (name === '.' || name === '..' || name.includes('/')) throw errnoError('EINVAL', syscall, name);
}

function bytePath(text: string): string | Buffer {
  return ASCII.test(text) ? text : Buffer.from(text, 'latin1');
}

/** /proc/self/fd/<dirFd>/<name>, checked; a Buffer where the name is not ASCII. */
function procPath(dirFd: number, name: string, syscall: string): string | Buffer {
  checkName(name, syscall);
  const prefix = `/proc/self/fd/${dirFd}/`;
  return ASCII.test(name) ? prefix + name : Buffer.concat([Buffer.from(prefix), Buffer.from(name, 'latin1')]);
}

/**
 * A descriptor that is not open has no /proc/self/fd entry, so Node says ENOENT where the addon says EBADF:
 * looked into only after a failure, so it costs nothing on the way that works.
 */
function notOpen(dirFd: number): NodeJS.ErrnoException | undefined {
  try {
    fs.fstatSync(dirFd);
    return undefined;
  } catch (error) {
    return errorCode(error) === 'EBADF' ? (error as NodeJS.ErrnoException) : undefined;
  }
}

function rethrow(error: unknown, ...dirFds: number[]): never {
  if (errorCode(error) !== 'ENOENT') throw error;
  for (const fd of dirFds) {
    const closed = notOpen(fd);
    if (closed !== undefined) throw closed;
  }
  throw error;
}

/** unlinkAt on libuv's pool, in the folder itself: opened again through its descriptor's /proc entry (a dup, whatever became of its path). */
async function unlinkAtAsync(dirFd: number, name: string): Promise<void> {
  checkName(name, 'unlink');
  let own: number;
  try {
    own = fs.openSync(`/proc/self/fd/${dirFd}`, O_RDONLY | O_DIRECTORY);
  } catch (error) {
    return rethrow(error, dirFd);
  }
  try {
    await fs.promises.unlink(procPath(own, name, 'unlink'));
  } catch (error) {
    rethrow(error, own);
  } finally {
    fs.closeSync(own);
  }
}

/**
 * Milliseconds as the seconds libuv takes: it truncates to whole microseconds, so the nearest microsecond plus
 * half a one lands on that microsecond. Negative seconds go as a string: Node replaces a negative number by now.
 */
function libuvSeconds(ms: number): number | string {
  const us = Math.round(ms * 1000);
  const seconds = (us + (us < 0 ? -0.5 : 0.5)) / 1e6;
  return seconds < 0 ? String(seconds) : seconds;
}

/** What glibc's fchmodat(AT_SYMLINK_NOFOLLOW) does: pin the entry with O_PATH, refuse a symlink, chmod it through /proc. */
function chmodPinned(path: string | Buffer, mode: number): void {
  const fd = fs.openSync(path, O_PATH | O_NOFOLLOW);
  try {
    if ((fs.fstatSync(fd).mode & S_IFMT) === S_IFLNK) throw errnoError('ENOTSUP', 'fchmodat', String(path));
    fs.chmodSync(`/proc/self/fd/${fd}`, mode);
  } finally {
    fs.closeSync(fd);
  }
}

export function procAtOps(): AtOps {
  return {
    backend: 'proc',
    openRoot(absPath) {
      checkBytes(absPath, 'open');
      return fs.openSync(bytePath(absPath), O_RDONLY | O_DIRECTORY);
    },
    openDirAt(dirFd, name) {
      try {
        return fs.openSync(procPath(dirFd, name, 'open'), O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
      } catch (error) {
        return rethrow(error, dirFd);
      }
    },
    openAt(dirFd, name, flags, mode = DEFAULT_FILE_MODE) {
      try {
        return fs.openSync(procPath(dirFd, name, 'open'), flags | O_NOFOLLOW, mode);
      } catch (error) {
        return rethrow(error, dirFd);
      }
    },
    statAt(dirFd, name) {
      const stat = fs.lstatSync(procPath(dirFd, name, 'lstat'), LSTAT_OPTIONS);
      if (stat !== undefined) return fileStatOf(stat);
      const closed = notOpen(dirFd);
      if (closed !== undefined) throw closed;
      return undefined;
    },
    fstat: (fd) => fileStatOf(fs.fstatSync(fd)),
    readDir: (dirFd) => {
      try {
        return fs.readdirSync(`/proc/self/fd/${dirFd}`, LATIN1);
      } catch (error) {
        return rethrow(error, dirFd);
      }
    },
    mkdirAt(dirFd, name, mode) {
      try {
        fs.mkdirSync(procPath(dirFd, name, 'mkdir'), mode);
      } catch (error) {
        rethrow(error, dirFd);
      }
    },
    unlinkAt(dirFd, name) {
      try {
        fs.unlinkSync(procPath(dirFd, name, 'unlink'));
      } catch (error) {
        rethrow(error, dirFd);
      }
    },
    unlinkAtAsync,
    rmdirAt(dirFd, name) {
      try {
        fs.rmdirSync(procPath(dirFd, name, 'rmdir'));
      } catch (error) {
        rethrow(error, dirFd);
      }
    },
    renameAt(fromDirFd, fromName, toDirFd, toName) {
      try {
        fs.renameSync(procPath(fromDirFd, fromName, 'rename'), procPath(toDirFd, toName, 'rename'));
      } catch (error) {
        rethrow(error, fromDirFd, toDirFd);
      }
    },
    // link(2) never follows a symlink named as its source on Linux: the link itself is linked.
    linkAt(fromDirFd, fromName, toDirFd, toName) {
      try {
        fs.linkSync(procPath(fromDirFd, fromName, 'link'), procPath(toDirFd, toName, 'link'));
      } catch (error) {
        rethrow(error, fromDirFd, toDirFd);
      }
    },
    symlinkAt(target, dirFd, name) {
      checkBytes(target, 'symlink');
      try {
        fs.symlinkSync(Buffer.from(target, 'latin1'), procPath(dirFd, name, 'symlink'));
      } catch (error) {
        rethrow(error, dirFd);
      }
    },
    readlinkAt(dirFd, name) {
      try {
        return fs.readlinkSync(procPath(dirFd, name, 'readlink'), LATIN1);
      } catch (error) {
        return rethrow(error, dirFd);
      }
    },
    chmodAt(dirFd, name, mode) {
      try {
        chmodPinned(procPath(dirFd, name, 'fchmodat'), mode);
      } catch (error) {
        rethrow(error, dirFd);
      }
    },
    fchmod: (fd, mode) => fs.fchmodSync(fd, mode),
    // lutimes never follows the last component; /proc/self/fd/N before it is the folder itself.
    setTimesAt(dirFd, name, atimeMs, mtimeMs) {
      try {
        fs.lutimesSync(procPath(dirFd, name, 'lutime'), libuvSeconds(atimeMs), libuvSeconds(mtimeMs));
      } catch (error) {
        rethrow(error, dirFd);
      }
    },
    futimes: (fd, atimeMs, mtimeMs) => fs.futimesSync(fd, libuvSeconds(atimeMs), libuvSeconds(mtimeMs)),
    close: (fd) => fs.closeSync(fd),
  };
}
