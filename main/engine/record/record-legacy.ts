/**
 * Records written by older versions, read once and then rewritten as the current version (record-file.ts):
 * version 1 (one JSON document, the numbers as base64) and version 2 (a JSON header, then the columns). Both kept six
 * numbers per row — size, mtime, ctime, inode, mode, replica mtime — and a kind letter per row; they knew no birth
 * times (0: unknown, as on file systems that do not keep them).
 */
import { createHash } from 'node:crypto';
import { KIND_CODE, NUMBERS, SMALL } from '../snapshot/snapshot.js';

/** An older table, already in the current column layout; paths not yet checked. */
export interface LegacyTable {
  readonly paths: readonly string[];
  readonly numbers: Float64Array;
  readonly small: Uint32Array;
  readonly hashes: Record<string, string>;
}

/** The header fields both older versions share with the current one. */
export interface LegacyHeader {
  readonly replicaMount?: unknown;
  readonly sourceMount?: unknown;
  readonly traits?: unknown;
}

type HeaderCheck = (data: unknown, version: number) => void;

const OLD_NUMBERS = 6;
const KIND_OF_LETTER: Readonly<Record<string, number>> = { f: KIND_CODE.file, d: KIND_CODE.dir, l: KIND_CODE.symlink };

/** size, mtime, ctime, ino, mode, replica mtime + kind letters → the current layout; throws on a bad kind or length. */
function convert(paths: readonly string[], oldNumbers: Float64Array, kinds: string, hashes: Record<string, string>): LegacyTable {
  const rows = paths.length;
  if (kinds.length !== rows || oldNumbers.length !== rows * OLD_NUMBERS) throw new Error('damaged entries');
  const numbers = new Float64Array(rows * NUMBERS);
  const small = new Uint32Array(rows * SMALL);
  for (let row = 0; row < rows; row += 1) {
    const o = row * OLD_NUMBERS;
    const n = row * NUMBERS;
    numbers[n] = oldNumbers[o]!; // size
    numbers[n + 1] = oldNumbers[o + 1]!; // mtime
    numbers[n + 2] = oldNumbers[o + 2]!; // ctime
    numbers[n + 3] = oldNumbers[o + 3]!; // inode
    numbers[n + 4] = 0; // birth time: unknown
    numbers[n + 5] = oldNumbers[o + 5]!; // replica mtime
    const kind = KIND_OF_LETTER[kinds[row]!];
    const mode = oldNumbers[o + 4]!;
    if (kind === undefined || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new Error('damaged entries');
    small[row * SMALL] = kind;
    small[row * SMALL + 1] = mode;
  }
  return { paths, numbers, small, hashes };
}

const align8 = (offset: number): number => Math.ceil(offset / 8) * 8;

/** Version 2: header line, padding to 8, numbers, one kind byte per row, NUL-joined paths. */
export function decodeV2(bytes: Buffer, newline: number, check: (data: unknown) => void): { header: LegacyHeader; table: LegacyTable } {
  const header = JSON.parse(bytes.toString('utf8', 0, newline)) as LegacyHeader & { rows?: unknown; pathBytes?: unknown; sha256?: unknown; hashes?: Record<string, string> };
  check(header);
  const { rows, pathBytes } = header;
  if (typeof rows !== 'number' || typeof pathBytes !== 'number' || !Number.isSafeInteger(rows) || !Number.isSafeInteger(pathBytes) || rows < 0 || pathBytes < 0) {
    throw new Error('damaged header');
  }
  const numbersAt = align8(newline + 1);
  const kindsAt = numbersAt + rows * OLD_NUMBERS * 8;
  const pathsAt = kindsAt + rows;
  if (bytes.length !== pathsAt + pathBytes) throw new Error('damaged entries');
  if (header.sha256 !== undefined && header.sha256 !== createHash('sha256').update(bytes.subarray(numbersAt)).digest('hex')) {
    throw new Error('damaged: its checksum does not match');
  }
  const numbers = new Float64Array(rows * OLD_NUMBERS);
  bytes.copy(Buffer.from(numbers.buffer), 0, numbersAt, kindsAt);
  const text = bytes.toString('latin1', pathsAt);
  const paths = text === '' ? [] : text.split('\0');
  if (paths.length !== rows) throw new Error('unsafe or damaged paths (a name holding a NUL?)');
  return { header, table: convert(paths, numbers, bytes.toString('latin1', kindsAt, pathsAt), header.hashes ?? {}) };
}

/** Version 1: the whole record as one JSON document. */
export function decodeV1(text: string, check: HeaderCheck): { header: LegacyHeader; table: LegacyTable } {
  const data: unknown = JSON.parse(text);
  check(data, 1);
  const file = data as { paths?: unknown; kinds?: unknown; numbers?: unknown; hashes?: Record<string, string> };
  if (!Array.isArray(file.paths) || typeof file.kinds !== 'string' || typeof file.numbers !== 'string') throw new Error('damaged entries');
  for (const rel of file.paths as unknown[]) if (typeof rel !== 'string') throw new Error(`unsafe or damaged entry ${JSON.stringify(rel)}`);
  const bytes = Buffer.from(file.numbers, 'base64');
  if (bytes.length % 8 !== 0) throw new Error('damaged entries');
  const numbers = new Float64Array(bytes.length / 8);
  bytes.copy(Buffer.from(numbers.buffer));
  return { header: data as LegacyHeader, table: convert(file.paths as string[], numbers, file.kinds, file.hashes ?? {}) };
}
