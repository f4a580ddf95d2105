/**
 * What executing a plan shares between its phases (moves, removals, contents, metadata): the trees it acts in, what
 * it has done (the replica entries it wrote, the folders whose mtime or mode must be set back, the counts), and the
 * one failure policy:
 * - one failing entry is reported and the run goes on, but nothing below a folder whose own action failed is tried;
 * - a replica that is full, read-only or gone (or one that refuses every write, as a full fusefat drive does with
 *   EPERM) stops further writes at once, with one clear error;
 * - a source that changed while it was copied is skipped, not failed: the next run copies it.
 */
import { randomFillSync } from 'node:crypto';
import { ancestorIn, display, parentOf, RESERVED_PREFIX } from '../fs/paths.js';
import { isFolder, type Tree } from '../fs/tree.js';
import { FAILURES_LISTED, type Action, type Entry, type EntryFailure, type ReplicaState, type ReplicaTraits, type SyncEvent } from '../types.js';
import type { RunTrash } from './trash.js';

export interface ExecuteInput {
  readonly actions: readonly Action[];
  readonly source: Tree;
  readonly replica: Tree;
  /** Source entries by path (the plan's "wanted"), and the source root's own entry. */
  readonly wanted: { get(rel: string): Entry | undefined; has(rel: string): boolean };
  readonly sourceRootEntry?: Entry;
  readonly traits: ReplicaTraits;
  readonly tolerance: number;
  readonly emit: (event: SyncEvent) => void;
  readonly signal?: AbortSignal;
  /** --trash: deleted and overwritten replica files are moved here instead of being destroyed. */
  readonly trash?: RunTrash;
  /** The replica root is the root of a mounted file system (its times are the drive's own; see metadata.ts). */
  readonly replicaIsMountRoot: boolean;
}

export interface Counts {
  copied: number;
  updated: number;
  moved: number;
  deleted: number;
  created: number;
  metadata: number;
  skipped: number;
  unrepresentable: number;
  errors: number;
  bytesCopied: number;
}

export function zeroCounts(): Counts {
  return { copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0, skipped: 0, unrepresentable: 0, errors: 0, bytesCopied: 0 };
}

/** errno values that mean the replica as a whole cannot take writes: stop instead of failing every file. */
const FATAL_CODES = new Set(['ENOSPC', 'EROFS', 'EIO', 'ENODEV', 'ENXIO', 'EDQUOT', 'ENOTCONN']);
/** Folders in a row whose writes all failed with EPERM before the run stops (noteFailure)... */
const STREAK_FOLDERS = 4;
/** ...or files in a row, wherever they are: a full drive's first folder may hold many of the pending copies. */
const STREAK_FILES = 8;
/**
 * Only EPERM: it is what fusefat answers when full, and a source never causes it (an unreadable source file is
 * EACCES, a too-long or too-big one ENAMETOOLONG/EFBIG: those are per-entry and the run goes on).
 */
const STREAK_CODES = new Set(['EPERM']);

/** A source that changed while it was read: skipped, not failed. */
export class ChangedDuringCopy extends Error {}

export function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function describe(error: unknown): string {
  if (error instanceof ChangedDuringCopy) return error.message;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/**
 * Temp names nobody can guess, each drawn anew, so a file or link planted at one ahead of time never meets a copy:
 * with a random prefix per process and a counter, seeing one temp name told an attacker all the next ones, and a
 * name planted there failed that copy (it is opened O_CREAT|O_EXCL|O_NOFOLLOW, so it could never redirect it).
 * Drawn from a pool refilled 4 KiB at a time: a draw from the system per file cost more than the file's own rename.
 */
const NAME_BYTES = 9;
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

export function tempName(): string {
  if (poolAt + NAME_BYTES > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += NAME_BYTES;
  return `${RESERVED_PREFIX}${pool.toString('hex', poolAt - NAME_BYTES, poolAt)}.tmp`;
}

/** A temp name in the same folder as `rel`, so the final rename is atomic and never crosses file systems. */
export function siblingTemp(rel: string): string {
  const parent = parentOf(rel);
  return parent === '' ? tempName() : `${parent}/${tempName()}`;
}

/**
 * What the run did so far and the one failure policy over it, shared by every phase (moves, removals, folders,
 * contents, metadata). The class is long because the policy must see every outcome: its methods are small, and
 * splitting them off would spread this state over several objects again.
 */
export class RunState {
  /** Replica entries as they are after the actions that touched them. */
  readonly after = new Map<string, ReplicaState>();
  /** Paths whose action did not complete (failed, skipped, aborted): the record must not vouch for them. */
  readonly notDone = new Set<string>();
  readonly counts = zeroCounts();
  readonly failures: EntryFailure[] = [];
  /** Folders whose contents changed: they get the source's mtime back at the end. */
  readonly dirtyDirs = new Set<string>();
  /**
   * Folders whose mode is not the source's yet: made here (0o700 until restamped), opened up to write in, or
   * planned a chmod. Every other dirty folder only had entries change inside it, which leaves its mode alone.
   */
  readonly modeDirs = new Set<string>();
  private readonly failed = new Set<string>();
  /** Set when the replica stopped taking writes (full, read-only, gone). */
  fatal: string | undefined;
  /** Whether this drive's folder rename keeps the folder's contents (moves.ts): checked on the first folder move. */
  folderRenamesKeepContents: boolean | undefined;
  /** Consecutive failures with one errno, and the folders they were in (noteFailure). */
  private streak: { code: string; dirs: Set<string>; files: number } | undefined;

  constructor(readonly input: ExecuteInput) {
    for (const action of input.actions) if (action.type !== 'skip') this.notDone.add(action.path);
  }

  get replica(): Tree {
    return this.input.replica;
  }

  emit(event: SyncEvent): void {
    this.input.emit(event);
  }

  /** No more writes: the replica stopped taking them, or the run was stopped. */
  get stopped(): boolean {
    return this.fatal !== undefined || this.input.signal?.aborted === true;
  }

  /** The source entry planned at `rel`; throws if none (a plan and its lookup that disagree are a bug). */
  sourceEntry(rel: string): Entry {
    const entry = this.input.wanted.get(rel);
    if (entry === undefined) throw new Error('no source entry planned for this path');
    return entry;
  }

  /** Runs one action unless the run stopped or a folder above it failed; records the outcome. */
  async guard(action: Action, work: () => void | Promise<void>): Promise<void> {
    const path = action.path;
    if (this.stopped) return;
    const blocked = this.blockedBy(path) ?? (action.type === 'move' ? this.blockedBy(action.from) : undefined);
    if (blocked !== undefined) {
      this.failed.add(path);
      this.error(path, `not attempted: "${display(blocked)}" failed`);
      return;
    }
    try {
      await work();
      this.done(path);
    } catch (error) {
      this.failed.add(path);
      if (error instanceof ChangedDuringCopy) {
        this.skipped(path, error.message);
        return;
      }
      this.fail(path, describe(error), codeOf(error));
    }
  }

  /** The action at `rel` completed. */
  done(rel: string): void {
    this.notDone.delete(rel);
    this.streak = undefined;
  }

  /** The nearest folder above `rel` whose own action failed, if any: `rel` is not to be tried. */
  blockedBy(rel: string): string | undefined {
    return this.failed.size === 0 ? undefined : ancestorIn(rel, this.failed);
  }

  hasFailed(rel: string): boolean {
    return this.failed.has(rel);
  }

  /** The action at `rel` did not complete: nothing below it is tried, and the record does not vouch for it. */
  markFailed(rel: string): void {
    this.failed.add(rel);
  }

  /** An action that could not be attempted at all (its folder failed): reported, and its path marked failed. */
  notAttempted(rel: string, blocked: string): void {
    this.failed.add(rel);
    this.error(rel, `not attempted: "${display(blocked)}" failed`);
  }

  skipped(rel: string, why: string): void {
    this.counts.skipped += 1;
    this.emit({ type: 'op', op: 'skip', path: rel, detail: why });
  }

  /** A failed action: reported, and the replica judged (fatal codes, streaks) so a dead drive stops the run. */
  fail(rel: string, detail: string, code: string | undefined): void {
    this.failed.add(rel);
    // Copies already in flight when the replica stopped taking writes fail the same way: one error says it.
    if (this.fatal !== undefined) return;
    if (code !== undefined && FATAL_CODES.has(code)) {
      this.fatal = `the replica stopped taking writes (${code}) at "${display(rel)}"; nothing more was written`;
    } else this.noteFailure(rel, code);
    this.error(rel, detail, code);
  }

  /**
   * A drive that fails every write without saying ENOSPC (fusefat says EPERM when full) would otherwise log one
   * error per file: EPERM in several folders in a row, with no success between, stops the run.
   */
  private noteFailure(rel: string, code: string | undefined): void {
    if (code === undefined || !STREAK_CODES.has(code)) return;
    if (this.streak?.code !== code) this.streak = { code, dirs: new Set(), files: 0 };
    this.streak.dirs.add(parentOf(rel));
    this.streak.files += 1;
    if (this.streak.dirs.size >= STREAK_FOLDERS || this.streak.files >= STREAK_FILES) {
      this.fatal = `the replica refused every write (${code}) ${this.streak.files} times in a row, the last at "${display(rel)}"; nothing more was written`;
    }
  }

  error(rel: string, detail: string, code?: string): void {
    this.counts.errors += 1;
    if (this.failures.length < FAILURES_LISTED) this.failures.push({ path: rel, message: detail, ...(code !== undefined ? { code } : {}) });
    this.emit({ type: 'op', op: 'error', path: rel, detail });
  }

  /** Something changed in the folder holding `rel`: it gets its source mtime back at the end. */
  markChanged(rel: string): void {
    this.dirtyDirs.add(parentOf(rel));
  }

  /** A folder made here or opened up: its mode and mtime are set at the end. */
  markFolderMode(rel: string): void {
    this.dirtyDirs.add(rel);
    this.modeDirs.add(rel);
  }

  /**
   * Retries once after making the replica folder writable: a read-only source folder is mirrored read-only.
   * A folder found writable already was opened by a deletion running alongside since this one failed: retry too
   * (where something else refused, the retry fails the same way).
   */
  async inWritableParent<T>(rel: string, work: () => T | Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (codeOf(error) !== 'EACCES' && codeOf(error) !== 'EPERM') throw error;
      const parent = parentOf(rel);
      const stat = this.replica.lstat(parent);
      if (stat === undefined || !isFolder(stat)) throw error;
      if ((stat.mode & 0o300) !== 0o300) {
        this.replica.chmod(parent, (stat.mode & 0o7777) | 0o700);
        this.markFolderMode(parent);
      }
      return await work();
    }
  }
}
