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
import fs from 'node:fs';
import { RESERVED_PREFIX } from './paths.js';
import { isLink, Tree } from './tree.js';
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

/**
 * Probes the replica root (an opened tree, or a byte-string path opened for the probe). Every call acts through descriptors,
 * inside a folder this probe made 0o700, so nobody else can swap anything in it.
 */
export function probeReplica(root: string | Tree): ReplicaTraits {
  if (typeof root !== 'string') return probeTree(root);
  let tree: Tree;
  try {
    tree = Tree.open(root);
  } catch (error) {
    return conservativeTraits(`cannot open the replica folder ${root}: ${errorCode(error)}`);
  }
  try {
    return probeTree(tree);
  } finally {
    tree.close();
  }
}

function probeFolderName(): string {
  return `${PROBE_PREFIX}${process.pid}.${randomBytes(4).toString('hex')}`;
}

function probeTree(tree: Tree): ReplicaTraits {
  const dir = probeFolderName();
  try {
    tree.mkdir(dir, 0o700);
  } catch (error) {
    return conservativeTraits(`cannot create a probe folder in the replica: ${errorCode(error)}`);
  }
  try {
    return probeIn(tree, dir);
  } finally {
    removeQuietly(tree, dir);
  }
}

/** Creates an empty file; false when the drive refuses the name. */
function tryCreate(tree: Tree, rel: string): boolean {
  try {
    tree.ops.close(tree.openNew(rel, 0o644));
    return true;
  } catch {
    return false;
  }
}

function probeIn(tree: Tree, dir: string): ReplicaTraits {
  const first = `${dir}/m`;
  if (!tryCreate(tree, first)) return conservativeTraits('cannot create a probe file in the replica');
  const mtime = probeMtime(tree, dir, first);
  const file = mtime.file;
  const caseSensitive = probeCaseSensitive(tree, file);
  const symlinks = probeSymlinks(tree, dir);
  const modes = probeModes(tree, file);
  const bytesName = Buffer.from(BYTES_NAME).toString('latin1');
  const created = {
    windows: tryCreate(tree, `${dir}/${WINDOWS_CHARS_NAME}`),
    dot: tryCreate(tree, `${dir}/${TRAILING_DOT_NAME}`),
    space: tryCreate(tree, `${dir}/${TRAILING_SPACE_NAME}`),
    unicode: tryCreate(tree, `${dir}/${Buffer.from(UNICODE_NAME).toString('latin1')}`),
    bytes: tryCreate(tree, `${dir}/${bytesName}`),
  };
  // A name counts as kept only if it reads back byte for byte: a driver may accept a name and store another.
  const listed = listNames(tree, dir);
  const kept = (ok: boolean, name: string | Buffer): boolean => ok && listed.has(Buffer.from(name).toString('latin1'));
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

/** The mtime in nanoseconds, read through the folder's descriptor (a double of milliseconds cannot tell 1 µs steps). */
function mtimeNs(tree: Tree, rel: string): bigint {
  return fs.lstatSync(tree.procPath(rel), { bigint: true }).mtimeNs;
}

/**
 * Sets an mtime and reads it back twice: at once, and after a rename (a fresh lookup, which also shows whether
 * the driver re-stamps on rename). The coarser reading wins: some FUSE drivers report the exact value first.
 * Set through libuv (lutimes: never follows), which truncates to the microsecond as every copy's stamp may be.
 */
function probeMtime(tree: Tree, dir: string, file: string): { granularityMs: number; renameKeepsMtime: boolean; file: string } {
  let afterSet: bigint | undefined;
  try {
    fs.lutimesSync(tree.procPath(file), PROBE_MTIME_S, PROBE_MTIME_S);
    afterSet = mtimeNs(tree, file);
  } catch {
    afterSet = undefined;
  }
  const renamed = `${dir}/n`;
  let afterRename: bigint | undefined;
  let current = file;
  try {
    tree.rename(file, renamed);
    current = renamed;
    afterRename = mtimeNs(tree, renamed);
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
 * the replica root, only when a run is about to move a folder; never throws, and answers false when unsure.
 */
export function folderRenameKeepsContents(tree: Tree): boolean {
  const dir = probeFolderName();
  try {
    tree.mkdir(dir, 0o700);
  } catch {
    return false;
  }
  try {
    tree.mkdir(`${dir}/a`, 0o700);
    tree.ops.close(tree.openNew(`${dir}/a/f`, 0o600));
    tree.rename(`${dir}/a`, `${dir}/b`);
    return tree.readDir(`${dir}/b`).includes('f');
  } catch {
    return false;
  } finally {
    removeQuietly(tree, dir);
  }
}

/** Looks the file up with its name upper-cased; anything but "not found" counts as insensitive (conservative). */
function probeCaseSensitive(tree: Tree, file: string): boolean {
  const slash = file.lastIndexOf('/');
  try {
    return tree.lstat(`${file.slice(0, slash)}/${file.slice(slash + 1).toUpperCase()}`) === undefined;
  } catch {
    return false;
  }
}

/** ENOSYS (exFAT, FAT), EPERM, ENOTSUP or anything else: no symlinks. */
function probeSymlinks(tree: Tree, dir: string): boolean {
  const link = `${dir}/l`;
  try {
    tree.symlink('n', link);
    const stat = tree.lstat(link);
    return stat !== undefined && isLink(stat) && tree.readlink(link) === 'n';
  } catch {
    return false;
  }
}

/** chmod must change what stat reports: FAT refuses chmod, exFAT and NTFS accept it and keep 0777. */
function probeModes(tree: Tree, file: string): boolean {
  try {
    const before = (tree.lstat(file)?.mode ?? 0) & 0o777;
    // A umask of 027 already gives 0640, so pick a mode the file does not have yet.
    const wanted = before === 0o640 ? 0o604 : 0o640;
    tree.chmod(file, wanted);
    return ((tree.lstat(file)?.mode ?? 0) & 0o777) === wanted;
  } catch {
    return false;
  }
}

/** The probe folder's names as byte strings; empty when it cannot be read (every name then counts as refused). */
function listNames(tree: Tree, dir: string): Set<string> {
  try {
    return new Set(tree.readDir(dir));
  } catch {
    return new Set();
  }
}

/** Removes the probe folder by the names the drive reports. Never throws. */
function removeQuietly(tree: Tree, dir: string): void {
  try {
    tree.removeAll(dir);
  } catch {
    // A drive that dropped out mid-probe: the next run removes the leftover (reserved prefix).
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
