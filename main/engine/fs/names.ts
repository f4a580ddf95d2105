/**
 * Which names a replica can hold, which names collide on it, and when two mtimes are the same at its precision.
 * Names and paths are byte strings (see paths.ts): latin1 characters standing for raw bytes.
 */
import { isUtf8 } from 'node:buffer';
import type { ReplicaTraits } from '../types.js';

export type NameTraits = Pick<
  ReplicaTraits,
  'refusesWindowsChars' | 'keepsTrailingDots' | 'keepsTrailingSpaces' | 'unicodeNames' | 'byteNames'
>;

/**
 * Windows' reserved characters plus the control characters, which exFAT and FAT refuse by the same rule.
 * Tested on the byte string directly: ASCII bytes never occur inside a multi-byte UTF-8 sequence.
 */
// eslint-disable-next-line no-control-regex -- control characters are among what it looks for
const WINDOWS_CHARS = /[\x01-\x1f:*?"<>|\\]/;
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
/** Byte strings hold only \x00-\xff: anything from \x80 up is part of a non-ASCII character. */
const NOT_ASCII = /[\x80-\xff]/;

/**
 * Why the replica cannot hold this one path component, or undefined when it can. Decided from the name and the
 * probed traits, never from an errno: drives refuse the same name with ENOENT, EPERM, EINVAL or EILSEQ.
 *
 * A name that is not valid UTF-8 is refused wherever `byteNames` is false: exFAT, FAT and NTFS store UTF-16, so
 * such bytes have no faithful form there (the drivers answer EILSEQ or EPERM; a lossy translation would make a
 * name that never matches the source's and is re-copied every run).
 */
export function nameProblem(name: string, traits: NameTraits): string | undefined {
  if (!traits.byteNames && !isUtf8(Buffer.from(name, 'latin1'))) {
    return "the name is not valid UTF-8, and the replica's file system stores names as Unicode";
  }
  if (!traits.unicodeNames && NOT_PRINTABLE_ASCII.test(name)) {
    return "the name has characters outside printable ASCII, which the replica's file system refuses";
  }
  if (traits.refusesWindowsChars) {
    const found = WINDOWS_CHARS.exec(name)?.[0];
    if (found !== undefined) return `the name contains ${describeChar(found)}, which the replica's file system refuses`;
  }
  if (!traits.keepsTrailingDots && name.endsWith('.')) {
    return "the name ends with a dot, which the replica's file system drops";
  }
  if (!traits.keepsTrailingSpaces && name.endsWith(' ')) {
    return "the name ends with a space, which the replica's file system drops";
  }
  return undefined;
}

function describeChar(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x20 ? `control character 0x${code.toString(16).padStart(2, '0')}` : `'${char}'`;
}

/**
 * The key under which paths collide on a case-insensitive replica: two paths with the same key are one entry there.
 *
 * Modelled on exFAT's up-case table (NTFS's $UpCase works the same way): each BMP character is mapped to its
 * *simple* upper case, one character to one character; characters whose upper case is several characters (ß → SS)
 * and characters outside the BMP stay as they are. No Unicode normalisation: these file systems store the UTF-16
 * units as given, so 'é' precomposed and decomposed are two names (measured on exfat-fuse). Where JavaScript's
 * mapping is wider than a drive's table (ı and i both key as I) the key reports a collision the drive would not
 * have: one file skipped with a warning, never a flip-flop between two files on every run.
 *
 * A component that is not valid UTF-8 folds only its ASCII letters and stays invalid, so its key never equals a
 * valid name's key. Keys are byte strings like the paths they come from.
 */
export function caseKey(path: string): string {
  return path.split('/').map(foldComponent).join('/');
}

function foldComponent(name: string): string {
  if (!NOT_ASCII.test(name)) return name.toUpperCase();
  const bytes = Buffer.from(name, 'latin1');
  if (!isUtf8(bytes)) return name.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
  let folded = '';
  for (const char of bytes.toString('utf8')) folded += simpleUpper(char);
  return Buffer.from(folded, 'utf8').toString('latin1');
}

function simpleUpper(char: string): string {
  if (char.length !== 1) return char;
  const upper = char.toUpperCase();
  return upper.length === 1 ? upper : char;
}
