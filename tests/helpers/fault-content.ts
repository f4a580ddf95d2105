/**
 * Self-checking file contents for fault tests: every file carries its identity, version, body length and the
 * body's SHA-256 in a one-line header, so a reader that sees any replica file can tell, from the file alone,
 * whether it is one complete version of a source file or something partial or spliced from two versions.
 * tests/helpers/fault-watcher.mjs checks the same format (keep the two in step).
 */
import { createHash, randomBytes } from 'node:crypto';

const MAGIC = 'FSV1';
const BLOCK = 1 << 16;

/** Contents of version `version` of the file `id`, about `size` bytes long (the header adds ~100). */
export function versionedContent(id: string, version: number, size: number): Buffer {
  const body = Buffer.allocUnsafe(size);
  // One random block repeated, each copy stamped with its index: versions differ everywhere, generation is cheap.
  const block = randomBytes(Math.min(BLOCK, Math.max(size, 1)));
  for (let at = 0, index = 0; at < size; at += block.length, index += 1) {
    block.writeUInt32BE(index, 0);
    block.copy(body, at, 0, Math.min(block.length, size - at));
  }
  const sha = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([Buffer.from(`${MAGIC} ${id} ${version} ${size} ${sha}\n`), body]);
}

export interface ContentCheck {
  readonly ok: boolean;
  readonly id?: string;
  readonly version?: number;
  readonly why?: string;
}

export function checkContent(data: Buffer): ContentCheck {
  const newline = data.indexOf(10);
  if (newline < 0) return { ok: false, why: `no header (${data.length} bytes)` };
  const [magic, id, version, size, sha] = data.subarray(0, newline).toString('latin1').split(' ');
  if (magic !== MAGIC || id === undefined || version === undefined || size === undefined || sha === undefined) {
    return { ok: false, why: 'bad header' };
  }
  const body = data.subarray(newline + 1);
  if (body.length !== Number(size)) return { ok: false, id, version: Number(version), why: `body ${body.length} bytes, header says ${size}` };
  if (createHash('sha256').update(body).digest('hex') !== sha) return { ok: false, id, version: Number(version), why: 'body does not match its checksum' };
  return { ok: true, id, version: Number(version) };
}

/**
 * The next version of `previous` with the same length and header layout, differing only in its header and its
 * last 64 KiB: written tail first, header last, it turns a file that is being copied into a splice of two
 * versions within microseconds — the edit a copy must notice even when the writer restores the mtime.
 */
export function nextVersionSameShape(previous: Buffer, version: number): Buffer {
  const newline = previous.indexOf(10);
  const [magic, id, oldVersion, size] = previous.subarray(0, newline).toString('latin1').split(' ');
  if (String(version).length !== String(oldVersion).length) throw new Error('version digits must not change');
  const body = Buffer.from(previous.subarray(newline + 1));
  randomBytes(Math.min(BLOCK, body.length)).copy(body, body.length - Math.min(BLOCK, body.length));
  const sha = createHash('sha256').update(body).digest('hex');
  return Buffer.concat([Buffer.from(`${magic} ${id} ${version} ${size} ${sha}\n`), body]);
}
