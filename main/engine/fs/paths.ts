/**
 * Byte-string paths. File names on Linux are bytes, not text: a name that is not valid UTF-8 would be mangled
 * by Node's default string paths and could never be copied or deleted. Inside the engine every path is a
 * "byte string" whose characters are the raw bytes (latin1), converted to a Buffer at the fs boundary.
 */
/** The prefix of every name the engine creates itself (temp files, staging, probes); never synced. */
export const RESERVED_PREFIX = '.~folder-sync.';

/** An ordinary (UTF-8) string, such as a path typed by the user, as a byte string. */
export function toByteString(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

// NUL never occurs in a path; anything from 0x01 to 0x7f is ASCII, control characters included.
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x01-\x7f]*$/;

/**
 * What fs calls take for a byte-string path: the string itself where it is ASCII (its UTF-8 bytes are the same),
 * else a Buffer of the raw bytes. Scans call this for every entry, and most paths are ASCII.
 */
export function fsPath(bytes: string): string | Buffer {
  return ASCII.test(bytes) ? bytes : Buffer.from(bytes, 'latin1');
}

/** Always a Buffer, for callers that concatenate bytes. */
export function fsPathBuffer(bytes: string): Buffer {
  return Buffer.from(bytes, 'latin1');
}

/** Readable text for logs and the console: UTF-8 where the bytes are UTF-8, U+FFFD where they are not. */
export function display(bytes: string): string {
  // ASCII reads the same as bytes and as UTF-8: no round trip through a Buffer.
  if (ASCII.test(bytes)) return bytes;
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Joins a root and a relative byte-string path ('' is the root itself). */
export function joinPath(root: string, rel: string): string {
  if (rel === '') return root;
  return root.endsWith('/') ? root + rel : `${root}/${rel}`;
}

export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

/** The nearest folder above `rel` (not `rel` itself, nor the root '') that `folders` holds. */
export function ancestorIn(rel: string, folders: ReadonlySet<string>): string | undefined {
  for (let dir = parentOf(rel); dir !== ''; dir = parentOf(dir)) if (folders.has(dir)) return dir;
  return undefined;
}

export function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

/** True when `rel` is `dir` itself or lies below it. */
export function isWithin(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || (rel.startsWith(dir) && rel.charCodeAt(dir.length) === 47);
}

/**
 * A relative path that can only name something inside the root: no empty, `.` or `..` components, not
 * absolute, no NUL. Paths read back from a record are checked with this before anything acts on them.
 */
export function isSafeRelative(rel: string): boolean {
  if (rel === '' || rel.charCodeAt(0) === 47 || rel.charCodeAt(rel.length - 1) === 47) return false;
  if (rel.includes('\0') || rel.includes('//')) return false;
  // Checked on the string itself (no split): a record holds a million of these.
  const framed = `/${rel}/`;
  return !framed.includes('/./') && !framed.includes('/../');
}

export function isReservedName(name: string): boolean {
  return name.startsWith(RESERVED_PREFIX);
}
