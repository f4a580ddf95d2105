/**
 * The log file on disk, written only if it is a regular file. A run as root writes its log into a folder others may
 * be able to write (a shared log folder, /tmp): a symlink planted at the log's name would make it append to the
 * link's target, a FIFO would hang it for ever (an open for writing waits for a reader). So every write opens the
 * name itself with O_NOFOLLOW|O_NONBLOCK (a link fails, a FIFO without a reader fails at once), checks with fstat
 * that what it opened is a regular file, and writes through that very descriptor: the file written is the one
 * checked. Opening per write, as electron-log's own file transport does, keeps a log that another process rotated
 * or the user moved away pointing at the file by that name.
 */
import fs from 'node:fs';
import path from 'node:path';

const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const OPEN_FLAGS = O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK; // libuv adds O_CLOEXEC itself
/** Past rotation, what a log that could not be renamed keeps of its end. */
const CROP_KEEPS = 256 * 1024;

/** Something other than a regular file is at the log's name: never written through, never waited on. */
export class NotARegularLogFile extends Error {
  constructor(
    readonly file: string,
    /** What is there, as words for a sentence: 'a symbolic link', 'a FIFO', 'a folder'... */
    readonly found: string,
  ) {
    super(`${found} is at the log file's place, not a regular file`);
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'something other than a regular file';
}

/** Opens the log file for appending (creating it if absent) and returns the descriptor, only if it is a regular file. */
export function openLogFile(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS, 0o666);
  } catch (error) {
    // ELOOP (a link), EISDIR (a folder), ENXIO (a FIFO or socket nobody reads): say what is there, not the errno.
    const there = fs.lstatSync(file, { throwIfNoEntry: false });
    if (there !== undefined && !there.isFile()) throw new NotARegularLogFile(file, kindOf(there));
    throw error;
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new NotARegularLogFile(file, kindOf(stat));
  }
  return fd;
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
}

/** `folder-sync.log` → `folder-sync.old.log`, as electron-log names a rotated log. */
export function rotatedName(file: string): string {
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${name}.old${ext}`);
}

/**
 * Moves a full log aside (rename never follows a link at either name); where it cannot be renamed, keeps only its
 * last CROP_KEEPS bytes in place, so a years-long loop cannot fill the disk either way.
 */
function rotate(file: string, fd: number, size: number): void {
  try {
    fs.renameSync(file, rotatedName(file));
    return;
  } catch {
    // Cropped below, through the descriptor already checked.
  }
  const keep = Buffer.alloc(Math.min(size, CROP_KEEPS));
  const read = fs.openSync(`/proc/self/fd/${fd}`, fs.constants.O_RDONLY);
  try {
    fs.readSync(read, keep, 0, keep.length, size - keep.length);
  } finally {
    fs.closeSync(read);
  }
  fs.ftruncateSync(fd, 0);
  writeAll(fd, Buffer.concat([Buffer.from('[log cropped]\n'), keep]));
}

/**
 * Appends `text` to the log file, first rotating it when it would grow past `maxBytes`. Throws NotARegularLogFile
 * or the write's own error (ENOSPC, EACCES...).
 */
export function appendToLog(file: string, text: string, maxBytes: number): void {
  const bytes = Buffer.from(text, 'utf8');
  let fd = openLogFile(file);
  try {
    const { size } = fs.fstatSync(fd);
    if (size > 0 && size + bytes.length > maxBytes) {
      rotate(file, fd, size);
      fs.closeSync(fd);
      fd = -1; // closed: not to be closed again should the reopen fail
      fd = openLogFile(file);
    }
    writeAll(fd, bytes);
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
