/**
 * What the replica's file system can hold, found by trying it (Syncthing's casefs/encoder_fat, decided from
 * behaviour): a drive's kernel driver and its FUSE driver differ (fusefat re-stamps mtimes on rename and refuses
 * every non-ASCII name; kernel vfat does neither), so the file-system name alone would mislead.
 *
 * The probe works inside one temporary folder in the replica root, named with the engine's reserved prefix so a
 * scan never syncs it and a run killed mid-probe leaves something the next run recognises and removes. It costs
 * about twenty syscalls and never throws: a check that fails in an unexpected way yields the conservative trait.
 * It writes into the replica root, so call it only when that root exists.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { RESERVED_PREFIX } from './paths.js';
import type { ReplicaTraits } from '../types.js';

/** Every probe folder's name starts with this. */
export const PROBE_PREFIX = `${RESERVED_PREFIX}probe.`;

/**
 * An odd second (to tell 1 s from 2 s steps) plus a sub-second part in the middle of a microsecond: libuv
 * truncates utimes to the µs, and the midpoint keeps float rounding from landing on the µs below.
 */
const PROBE_MTIME_S = 1_000_000_001.2345675;
const PROBE_MTIME_NS = 1_000_000_001_234_567_000n;
/** Steps file systems are known to keep, finest first: µs (all Node can set), ms, 10 ms (exFAT), 1 s, 2 s (FAT). */
const STEPS_NS = [1_000n, 1_000_000n, 10_000_000n, 100_000_000n, 1_000_000_000n, 2_000_000_000n];
const COARSEST_MS = 2000;

/** One name with every character Windows reserves: refused as a whole means the drive enforces Windows names. */
const WINDOWS_CHARS_NAME = 'w:*?"<>|\\';
const TRAILING_DOT_NAME = 'd.';
const TRAILING_SPACE_NAME = 's ';
const UNICODE_NAME = 'u\u00e9';
const BYTES_NAME = Buffer.from([0x62, 0xff]);

/** A native Linux file system (ext4, btrfs, tmpfs): holds everything a source can have, to the µs Node sets. */
export const NATIVE_TRAITS: Omit<ReplicaTraits, 'summary' | 'probeError'> = {
  mtimeGranularityMs: 0.001,
  caseSensitive: true,
  symlinks: true,
  modes: true,
  renameKeepsMtime: true,
  refusesWindowsChars: false,
  keepsTrailingDots: true,
  keepsTrailingSpaces: true,
  unicodeNames: true,
  byteNames: true,
};

/** What a run assumes when nothing could be written: the strictest limits, except for non-ASCII names (see below). */
export function conservativeTraits(probeError: string): ReplicaTraits {
  const traits = {
    mtimeGranularityMs: COARSEST_MS,
    caseSensitive: false,
    symlinks: false,
    modes: false,
    renameKeepsMtime: false,
    refusesWindowsChars: true,
    keepsTrailingDots: false,
    keepsTrailingSpaces: false,
    // Refusing non-ASCII is one FUSE driver's quirk; assuming it would turn every accented name into a warning.
    unicodeNames: true,
    byteNames: false,
    probeError,
  };
  return { ...traits, summary: `not probed (${probeError}): assuming FAT-like limits` };
}

export async function probeReplica(root: string): Promise<ReplicaTraits> {
  const dir = path.join(root, `${PROBE_PREFIX}${process.pid}.${randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(dir);
  } catch (error) {
    return conservativeTraits(`cannot create a probe folder in ${root}: ${errorCode(error)}`);
  }
  try {
    return await probeIn(dir);
  } finally {
    await removeProbeDir(dir);
  }
}

async function probeIn(dir: string): Promise<ReplicaTraits> {
  const first = path.join(dir, 'm');
  try {
    await fs.writeFile(first, '');
  } catch (error) {
    return conservativeTraits(`cannot create a probe file in ${path.dirname(dir)}: ${errorCode(error)}`);
  }
  const mtime = await probeMtime(dir, first);
  const file = mtime.file;
  const caseSensitive = await probeCaseSensitive(file);
  const symlinks = await probeSymlinks(dir);
  const modes = await probeModes(file);
  const created = {
    windows: await tryCreate(path.join(dir, WINDOWS_CHARS_NAME)),
    dot: await tryCreate(path.join(dir, TRAILING_DOT_NAME)),
    space: await tryCreate(path.join(dir, TRAILING_SPACE_NAME)),
    unicode: await tryCreate(path.join(dir, UNICODE_NAME)),
    bytes: await tryCreate(Buffer.concat([Buffer.from(`${dir}/`), BYTES_NAME])),
  };
  // A name counts as kept only if it reads back byte for byte: a driver may accept a name and store another.
  const listed = await listNames(dir);
  const kept = (ok: boolean, name: string | Buffer): boolean =>
    ok && listed.has(Buffer.from(name).toString('latin1'));
  const traits = {
    mtimeGranularityMs: mtime.granularityMs,
    caseSensitive,
    symlinks,
    modes,
    renameKeepsMtime: mtime.renameKeepsMtime,
    refusesWindowsChars: !kept(created.windows, WINDOWS_CHARS_NAME),
    keepsTrailingDots: kept(created.dot, TRAILING_DOT_NAME),
    keepsTrailingSpaces: kept(created.space, TRAILING_SPACE_NAME),
    unicodeNames: kept(created.unicode, UNICODE_NAME),
    byteNames: kept(created.bytes, BYTES_NAME),
  };
  return { ...traits, summary: describeTraits(traits) };
}

/**
 * Sets an mtime and reads it back twice: at once, and after a rename (a fresh lookup, which also shows whether
 * the driver re-stamps on rename). The coarser reading wins: some FUSE drivers report the exact value first.
 */
async function probeMtime(
  dir: string,
  file: string,
): Promise<{ granularityMs: number; renameKeepsMtime: boolean; file: string }> {
  let afterSet: bigint | undefined;
  try {
    await fs.utimes(file, PROBE_MTIME_S, PROBE_MTIME_S);
    afterSet = (await fs.stat(file, { bigint: true })).mtimeNs;
  } catch {
    afterSet = undefined;
  }
  const renamed = path.join(dir, 'n');
  let afterRename: bigint | undefined;
  let current = file;
  try {
    await fs.rename(file, renamed);
    current = renamed;
    afterRename = (await fs.stat(renamed, { bigint: true })).mtimeNs;
  } catch {
    afterRename = undefined;
  }
  const stepSet = afterSet === undefined ? undefined : stepOf(afterSet);
  const stepRenamed = afterRename === undefined ? undefined : stepOf(afterRename);
  if (stepSet === undefined) {
    // The mtime did not stick at all: nothing finer than the coarsest step can be trusted.
    return { granularityMs: COARSEST_MS, renameKeepsMtime: false, file: current };
  }
  const step = stepRenamed !== undefined && stepRenamed > stepSet ? stepRenamed : stepSet;
  return { granularityMs: Number(step) / 1e6, renameKeepsMtime: stepRenamed !== undefined, file: current };
}

/** The finest step that explains a read-back mtime: a multiple of the step, less than one step from what was set. */
function stepOf(readNs: bigint): bigint | undefined {
  const distance = readNs > PROBE_MTIME_NS ? readNs - PROBE_MTIME_NS : PROBE_MTIME_NS - readNs;
  return STEPS_NS.find((step) => readNs % step === 0n && distance < step);
}

/**
 * Whether renaming a folder keeps what is inside it. fusefat's rename loses a folder's entries for good (the
 * folder arrives empty), so on such a drive folders must be moved entry by entry. Tried in a temporary folder in
 * `root` (a byte path), only when a run is about to move a folder; never throws, and answers false when unsure.
 */
export async function folderRenameKeepsContents(root: Buffer): Promise<boolean> {
  const dir = Buffer.concat([root, Buffer.from(`/${PROBE_PREFIX}${process.pid}.${randomBytes(4).toString('hex')}`)]);
  const inside = (name: string): Buffer => Buffer.concat([dir, Buffer.from(`/${name}`)]);
  try {
    await fs.mkdir(dir);
  } catch {
    return false;
  }
  try {
    await fs.mkdir(inside('a'));
    await fs.writeFile(inside('a/f'), '');
    await fs.rename(inside('a'), inside('b'));
    return (await fs.readdir(inside('b'))).includes('f');
  } catch {
    return false;
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Looks the file up with its name upper-cased; anything but "not found" counts as insensitive (conservative). */
async function probeCaseSensitive(file: string): Promise<boolean> {
  const upper = path.join(path.dirname(file), path.basename(file).toUpperCase());
  try {
    await fs.lstat(upper);
    return false;
  } catch (error) {
    return errorCode(error) === 'ENOENT';
  }
}

/** ENOSYS (exFAT, FAT), EPERM, ENOTSUP or anything else: no symlinks. */
async function probeSymlinks(dir: string): Promise<boolean> {
  const link = path.join(dir, 'l');
  try {
    await fs.symlink('n', link);
    return (await fs.readlink(link)) === 'n';
  } catch {
    return false;
  }
}

/** chmod must change what stat reports: FAT refuses chmod, exFAT and NTFS accept it and keep 0777. */
async function probeModes(file: string): Promise<boolean> {
  try {
    const before = (await fs.stat(file)).mode & 0o777;
    // A umask of 027 already gives 0640, so pick a mode the file does not have yet.
    const wanted = before === 0o640 ? 0o604 : 0o640;
    await fs.chmod(file, wanted);
    return ((await fs.stat(file)).mode & 0o777) === wanted;
  } catch {
    return false;
  }
}

async function tryCreate(file: string | Buffer): Promise<boolean> {
  try {
    await fs.writeFile(file, '');
    return true;
  } catch {
    return false;
  }
}

/** The probe folder's names as byte strings; empty when it cannot be read (every name then counts as refused). */
async function listNames(dir: string): Promise<Set<string>> {
  try {
    const names = await fs.readdir(dir, { encoding: 'buffer' });
    return new Set(names.map((name) => name.toString('latin1')));
  } catch {
    return new Set();
  }
}

/** Removes the probe folder by the names the drive reports (byte paths: one of them is not UTF-8). Never throws. */
async function removeProbeDir(dir: string): Promise<void> {
  try {
    const dirBytes = Buffer.from(`${dir}/`);
    for (const name of await fs.readdir(dir, { encoding: 'buffer' })) {
      await fs.unlink(Buffer.concat([dirBytes, name])).catch(() => undefined);
    }
    await fs.rmdir(dir);
  } catch {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

type TraitsWithoutSummary = Omit<ReplicaTraits, 'summary' | 'probeError'>;

/**
 * "native (ext4-like)" when the replica holds everything a Linux source can have; otherwise the family it
 * behaves like and what it lacks, e.g. "exFAT-like: no symlinks, case-insensitive, 1 s mtimes, ...".
 */
export function describeTraits(traits: TraitsWithoutSummary): string {
  const lacks: string[] = [];
  if (!traits.symlinks) lacks.push('no symlinks');
  if (!traits.caseSensitive) lacks.push('case-insensitive');
  if (traits.mtimeGranularityMs > 0.001) lacks.push(`${formatStep(traits.mtimeGranularityMs)} mtimes`);
  if (!traits.renameKeepsMtime) lacks.push('rename re-stamps mtimes');
  if (!traits.modes) lacks.push('no mode bits');
  if (traits.refusesWindowsChars) lacks.push('refuses : * ? " < > | \\');
  if (!traits.keepsTrailingDots) lacks.push('drops trailing dots');
  if (!traits.keepsTrailingSpaces) lacks.push('drops trailing spaces');
  if (!traits.unicodeNames) lacks.push('ASCII names only');
  else if (!traits.byteNames) lacks.push('UTF-8 names only');
  if (lacks.length === 0) return 'native (ext4-like)';
  return `${family(traits)}: ${lacks.join(', ')}`;
}

function family(traits: TraitsWithoutSummary): string {
  if (!traits.caseSensitive) return traits.mtimeGranularityMs >= 2000 ? 'FAT-like' : 'exFAT-like';
  if (!traits.modes && !traits.byteNames) return 'NTFS-like';
  return 'POSIX-like';
}

export function formatStep(ms: number): string {
  if (ms >= 1000) return `${ms / 1000} s`;
  if (ms >= 1) return `${ms} ms`;
  return `${Math.round(ms * 1000)} µs`;
}

function errorCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return String(error);
}
