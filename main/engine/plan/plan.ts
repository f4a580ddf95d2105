/**
 * Plan: snapshots + record → the list of actions that makes the replica equal the source. Pure: no I/O, so
 * every decision can be tested on plain data, and `--dry-run` is just "print the plan".
 *
 * Order of the list is the order of execution: moves, deletions (children first), new folders (parents
 * first), file contents, then metadata.
 */
import { copyOlderThanSource, mirroredMode, mtimeInSync, replicaAsRecorded, sameContents, sameFile } from './identity.js';
import { orderedLookup } from '../snapshot/ordered-lookup.js';
import type { PathTree } from '../snapshot/path-tree.js';
import { baseName, display, parentOf } from '../fs/paths.js';
import type { RecordEntry } from '../record/record.js';
import type { MoveAction } from './renames.js';
import { ScanRows } from '../snapshot/scan-rows.js';
import type { Action, Entry, ReplicaTraits } from '../types.js';

export type SkipAction = Extract<Action, { type: 'skip' }>;

export interface Selection {
  /** Source entries the replica will hold, parents before children. */
  readonly wanted: ReadonlyMap<string, Entry>;
  /** Source entries left out, each with its reason. */
  readonly skips: SkipAction[];
}

export interface SelectOptions {
  readonly traits: ReplicaTraits;
  /** Case-folding key on case-insensitive replicas. */
  readonly keyOf?: (rel: string) => string;
  /** Why the replica cannot hold a name (a single path component), or undefined. */
  readonly nameProblem?: (name: string) => string | undefined;
}

function skip(path: string, reason: string, unrepresentable: boolean): SkipAction {
  return { type: 'skip', path, reason, unrepresentable };
}

/**
 * Chooses what the replica can hold. Names that collide on a case-insensitive replica: the smallest (by bytes)
 * wins, deterministically, so later runs neither re-copy nor flip-flop; the others are reported.
 */
export function selectWanted(source: ReadonlyMap<string, Entry>, options: SelectOptions): Selection {
  const skips: SkipAction[] = [];
  const left = new Set<string>();
  const skippedDirs = new Set<string>();
  const winners = options.keyOf ? caseWinners(source, options.keyOf) : undefined;
  for (const [rel, entry] of source) {
    const parent = parentOf(rel);
    if (parent !== '' && skippedDirs.has(parent)) {
      left.add(rel);
      if (entry.kind === 'dir') skippedDirs.add(rel);
      continue;
    }
    const reason = skipReason(rel, entry, options, winners);
    if (reason === undefined) continue;
    skips.push(skip(rel, reason.text, reason.unrepresentable));
    left.add(rel);
    if (entry.kind === 'dir') skippedDirs.add(rel);
  }
  // Usually nothing is left out: the scan's own map serves, uncopied.
  if (left.size === 0) return { wanted: source, skips };
  if (source instanceof ScanRows) return { wanted: source.without(left), skips };
  const wanted = new Map<string, Entry>();
  for (const [rel, entry] of source) if (!left.has(rel)) wanted.set(rel, entry);
  return { wanted, skips };
}

function caseWinners(source: ReadonlyMap<string, Entry>, keyOf: (rel: string) => string): Map<string, string> {
  const winners = new Map<string, string>();
  for (const rel of source.keys()) {
    const key = keyOf(rel);
    const current = winners.get(key);
    if (current === undefined || rel < current) winners.set(key, rel);
  }
  return winners;
}

function skipReason(
  rel: string,
  entry: Entry,
  options: SelectOptions,
  winners: Map<string, string> | undefined,
): { text: string; unrepresentable: boolean } | undefined {
  if (entry.kind === 'other') return { text: 'not a regular file, folder or symlink (FIFO, socket or device)', unrepresentable: false };
  const problem = options.nameProblem?.(baseName(rel));
  if (problem !== undefined) return { text: problem, unrepresentable: true };
  if (winners && options.keyOf) {
    const winner = winners.get(options.keyOf(rel));
    if (winner !== undefined && winner !== rel) {
      return { text: `differs only by case from "${display(winner)}", which the replica holds instead`, unrepresentable: true };
    }
  }
  if (entry.kind === 'symlink' && !options.traits.symlinks) {
    return { text: 'symlink, and the replica file system cannot hold symlinks', unrepresentable: true };
  }
  return undefined;
}

export interface PlanInput {
  readonly wanted: ReadonlyMap<string, Entry>;
  /** Working copies after the moves were applied. */
  readonly replica: PathTree<Entry>;
  readonly record: PathTree<RecordEntry>;
  readonly moves: readonly MoveAction[];
  readonly skips: readonly SkipAction[];
  readonly traits: ReplicaTraits;
  readonly tolerance: number;
  /** Replica paths whose contents are known to equal the source's (moved here, or compared by --checksum). */
  readonly knownEqual: ReadonlySet<string>;
  /** --checksum: contents decide, not size and mtime. */
  readonly checksum: boolean;
  /** The source's inode numbers identify files (see inodesLookStable in identity.ts). */
  readonly trustInodes?: boolean;
  /** Replica paths below source folders that could not be read: never deleted or replaced. */
  readonly isProtected: (rel: string) => boolean;
  /** Replica folders that hold a protected path (a mount point below a folder the source no longer has): kept. */
  readonly holdsProtected?: (rel: string) => boolean;
}

export function planActions(input: PlanInput): Action[] {
  const removals: Action[] = [];
  const mkdirs: Action[] = [];
  const contents: Action[] = [];
  const metadata: Action[] = [];
  const replaced = new Set<string>();
  const replicaAt = orderedLookup(input.replica);
  const recordAt = orderedLookup(input.record);
  for (const [rel, src] of input.wanted) {
    const rep = replicaAt(rel);
    if (rep !== undefined && rep.kind !== src.kind) {
      if (input.isProtected(rel) || input.holdsProtected?.(rel) === true) continue;
      replaced.add(rel);
      removals.push(...removalsOf(input.replica, rel, `the source has a ${KIND_WORDS[src.kind]} here now`));
    }
    const existing = rep !== undefined && rep.kind === src.kind ? rep : undefined;
    planEntry(input, rel, src, existing, recordAt(rel), { mkdirs, contents, metadata });
  }
  const deletions = planDeletions(input, replaced);
  return [...input.skips, ...input.moves, ...removals, ...deletions, ...mkdirs, ...contents, ...metadata];
}

interface Buckets {
  readonly mkdirs: Action[];
  readonly contents: Action[];
  readonly metadata: Action[];
}

function planEntry(input: PlanInput, rel: string, src: Entry, rep: Entry | undefined, rec: RecordEntry | undefined, out: Buckets): void {
  if (src.kind === 'dir') {
    // A source folder that could not be listed is left as the replica has it: mirroring its mode (often 000)
    // would lock the replica's copy of its old contents away from the user and from every later run.
    if (input.isProtected(rel)) return;
    if (rep === undefined) out.mkdirs.push({ type: 'mkdir', path: rel, why: 'new folder' });
    else planMetadata(input, rel, src, rep, rec, out);
    return;
  }
  if (src.kind === 'symlink') {
    if (rep === undefined || rep.target !== src.target) {
      const why = rep === undefined ? 'new symlink' : 'link target changed';
      out.contents.push({ type: 'symlink', path: rel, target: src.target ?? '', replace: rep !== undefined, why });
    } else planMetadata(input, rel, src, rep, rec, out);
    return;
  }
  if (rep === undefined) {
    out.contents.push({ type: 'copy', path: rel, size: src.size, why: 'new file' });
    return;
  }
  const why = contentChange(input, rel, src, rep, rec);
  if (why !== undefined) out.contents.push({ type: 'update', path: rel, size: src.size, why });
  else planMetadata(input, rel, src, rep, rec, out);
}

/** Why the replica file's contents may differ from the source's, in a few words; undefined when they are in sync. */
function contentChange(input: PlanInput, rel: string, src: Entry, rep: Entry, rec: RecordEntry | undefined): string | undefined {
  if (rep.size !== src.size) return 'size changed';
  if (input.knownEqual.has(rel)) return undefined;
  if (input.checksum) return 'contents differ';
  if (rec !== undefined && rec.kind === 'file') {
    if (!sameFile(src, rec, sameContents(input.trustInodes ?? true))) return sourceChange(src, rec);
    return replicaAsRecorded(rep, rec, input.tolerance) ? undefined : 'changed in the replica';
  }
  if (!mtimeInSync(src, rep, undefined, input.tolerance)) return 'modification time changed';
  return copyOlderThanSource(src, rep, input.traits) ? 'changed after the replica\'s copy was made (ctime)' : undefined;
}

/** What differs between a source file and the record of it (sameFile said something does). */
function sourceChange(src: Entry, rec: RecordEntry): string {
  if (rec.mtimeMs !== src.mtimeMs) return 'modification time changed';
  if (rec.ino !== src.ino || rec.birthtimeMs !== src.birthtimeMs) return 'replaced by another file';
  return 'rewritten in place (ctime changed)';
}

function planMetadata(input: PlanInput, rel: string, src: Entry, rep: Entry, rec: RecordEntry | undefined, out: Buckets): void {
  if (input.traits.modes && src.kind !== 'symlink' && mirroredMode(src.mode) !== rep.mode) {
    out.metadata.push({ type: 'chmod', path: rel, mode: mirroredMode(src.mode), why: 'mode differs' });
  }
  if (!mtimeInSync(src, rep, rec, input.tolerance)) out.metadata.push({ type: 'touch', path: rel, why: 'modification time differs' });
}

/** Everything at and below `rel` in the replica, children before parents. */
function removalsOf(replica: PathTree<Entry>, rel: string, why: string): Action[] {
  const paths = replica.subtree(rel).reverse();
  return paths.map((path): Action => ({ type: replica.get(path)!.kind === 'dir' ? 'rmdir' : 'delete', path, why }));
}

const KIND_WORDS: Readonly<Record<Entry['kind'], string>> = { file: 'file', dir: 'folder', symlink: 'symlink', other: 'special file' };

/** Replica entries the source no longer has, children before parents; protected ones stay. */
function planDeletions(input: PlanInput, replaced: ReadonlySet<string>): Action[] {
  const out: Action[] = [];
  const doomed: string[] = [];
  const wantedAt = orderedLookup(input.wanted);
  for (const [rel] of input.replica.entries()) {
    if (wantedAt(rel) !== undefined || input.isProtected(rel) || input.holdsProtected?.(rel) === true) continue;
    const parent = parentOf(rel);
    // Below a folder that is being removed whole (type change or deletion): handled with that folder.
    if (isBelowAny(parent, replaced)) continue;
    doomed.push(rel);
  }
  for (const rel of doomed.sort(byDepthDescending)) {
    out.push({ type: input.replica.get(rel)!.kind === 'dir' ? 'rmdir' : 'delete', path: rel, why: 'not in the source' });
  }
  return out;
}

function isBelowAny(dir: string, set: ReadonlySet<string>): boolean {
  if (set.size === 0) return false;
  for (let d = dir; d !== ''; d = parentOf(d)) if (set.has(d)) return true;
  return false;
}

function depth(rel: string): number {
  let n = 0;
  for (let i = 0; i < rel.length; i += 1) if (rel.charCodeAt(i) === 47) n += 1;
  return n;
}

function byDepthDescending(a: string, b: string): number {
  return depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0);
}
