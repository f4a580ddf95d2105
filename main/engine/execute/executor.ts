/**
 * Execute: applies a plan to the replica, one action at a time (copies a few at a time), each guarded:
 * - nothing is ever written outside the replica root: every target is root + a checked relative path, and an
 *   action below a folder whose own action failed is not attempted;
 * - no partial file is ever visible under a replica name: contents go to a temp file beside the target,
 *   then one rename puts them in place;
 * - a source file that changed while it was copied is discarded, not recorded, and copied next run;
 * - one failing entry is reported and the run goes on, but a replica that is full, read-only or gone stops
 *   further writes at once with one clear error.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import pMap from 'p-map';
import { mtimeNear } from '../plan/identity.js';
import { copyFileAtomicSync, type CopyJob, type CopyOutcome } from './copy-file.js';
import { createCopyPool, type CopyPool } from './copy-pool.js';
import { isDeletion, splitDeletions, type Deletion, type DeletionSplit } from './deletion-split.js';
import { caseKey } from '../fs/names.js';
import { isMountRoot } from '../fs/mounts.js';
import { folderRenameKeepsContents } from '../fs/probe.js';
import { RESERVED_PREFIX, ancestorIn, display, fsPath, fsPathBuffer, joinPath, parentOf } from '../fs/paths.js';
import { statEntry } from '../scan/walk.js';
import type { RunTrash } from './trash.js';
import { FAILURES_LISTED, type Action, type EntryFailure, type Entry, type ReplicaState, type ReplicaTraits, type SyncEvent } from '../types.js';

const fsp = fs.promises;

export interface ExecuteInput {
  readonly actions: readonly Action[];
  /** Byte-string absolute roots. */
  readonly sourceRoot: string;
  readonly replicaRoot: string;
  /** Source entries by path (the plan's "wanted"), and the source root's own entry. */
  readonly wanted: { get(rel: string): Entry | undefined; has(rel: string): boolean };
  readonly sourceRootEntry?: Entry;
  readonly traits: ReplicaTraits;
  readonly tolerance: number;
  readonly emit: (event: SyncEvent) => void;
  readonly signal?: AbortSignal;
  readonly concurrency?: number;
  /** --trash: deleted and overwritten replica files are moved here instead of being destroyed. */
  readonly trash?: RunTrash;
}


function stateOf(entry: Entry): ReplicaState {
  return { kind: entry.kind, mtimeMs: entry.mtimeMs };
}

export interface ExecuteResult {
  /** Replica entries as they are after the actions that touched them. */
  readonly after: Map<string, ReplicaState>;
  /** Paths whose action did not complete (failed, skipped, aborted): the record must not vouch for them. */
  readonly notDone: Set<string>;
  readonly counts: Counts;
  readonly failures: readonly EntryFailure[];
  /** Set when the replica stopped taking writes (full, read-only, gone). */
  readonly fatal?: string;
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

class ChangedDuringCopy extends Error {}

const FOUND_A_FOLDER = 'expected a file here, found a folder; left alone';
/** Deletions queued on libuv's thread pool at once: enough to keep its four threads busy between round trips. */
const UNLINKS_AT_ONCE = 16;

/** Synchronous stretches (deletions, restamps) let the event loop in this often: signals, quit, progress. */
const YIELD_EVERY = 256;
const PROGRESS_EVERY_MS = 100;

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function describe(error: unknown): string {
  if (error instanceof ChangedDuringCopy) return error.message;
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code !== undefined && !message.startsWith(code) ? `${code}: ${message}` : message;
}

/**
 * Random per process (thread), so temp names never meet another run's; counted after that: a random draw per file
 * cost more than the file's own rename.
 */
const TEMP_PREFIX = `${RESERVED_PREFIX}${randomBytes(6).toString('hex')}-`;
let tempCount = 0;

function tempName(): string {
  tempCount += 1;
  return `${TEMP_PREFIX}${tempCount.toString(36)}.tmp`;
}

/** A temp name in the same folder as `rel`, so the final rename is atomic and never crosses file systems. */
function siblingTemp(rel: string): string {
  const parent = parentOf(rel);
  return parent === '' ? tempName() : `${parent}/${tempName()}`;
}

export class Executor {
  private readonly after = new Map<string, ReplicaState>();
  private readonly notDone = new Set<string>();
  private readonly failed = new Set<string>();
  private readonly dirtyDirs = new Set<string>();
  /**
   * Folders whose mode is not the source's yet: made here (0o700 until restamped), opened up to write in, or
   * planned a chmod. Every other dirty folder only had entries change inside it, which leaves its mode alone.
   */
  private readonly modeDirs = new Set<string>();
  private readonly counts: Counts = {
    copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0, skipped: 0, unrepresentable: 0, errors: 0, bytesCopied: 0,
  };
  private readonly failures: EntryFailure[] = [];
  private fatal: string | undefined;
  /** Consecutive failures with one errno, and the folders they were in (noteFailure). */
  private streak: { code: string; dirs: Set<string>; files: number } | undefined;
  private staging: string | undefined;
  /** Whether this drive's folder rename keeps the folder's contents; checked once, on the first folder move. */
  private folderRenames: Promise<boolean> | undefined;
  private filesDone = 0;
  private progressAt = 0;
  /** Bytes copied so far of files still being copied, by path, and their sum. */
  private readonly partial = new Map<string, number>();
  private partialBytes = 0;
  /** The file copied last or being copied, for the progress shown. */
  private current: string | undefined;
  private readonly filesTotal: number;
  private readonly bytesTotal: number;

  constructor(private readonly input: ExecuteInput) {
    const copies = input.actions.filter((a): a is Extract<Action, { type: 'copy' | 'update' }> => a.type === 'copy' || a.type === 'update');
    this.filesTotal = copies.length;
    this.bytesTotal = copies.reduce((sum, a) => sum + a.size, 0);
    for (const action of input.actions) if (action.type !== 'skip') this.notDone.add(action.path);
  }

  async run(): Promise<ExecuteResult> {
    // Started first: the copy workers start up (tens of milliseconds) while moves and deletions run here.
    const pool = createCopyPool(this.filesTotal);
    try {
      await this.runWith(pool);
    } finally {
      await pool.close();
    }
    return { after: this.after, notDone: this.notDone, counts: this.counts, failures: this.failures, ...(this.fatal ? { fatal: this.fatal } : {}) };
  }

  private async runWith(pool: CopyPool): Promise<void> {
    const byType = (...types: Action['type'][]): Action[] => this.input.actions.filter((a) => types.includes(a.type));
    for (const action of byType('skip')) this.reportSkip(action as Extract<Action, { type: 'skip' }>);
    const moves = byType('move') as Array<Extract<Action, { type: 'move' }>>;
    for (const move of moves.filter((m) => m.kind === 'dir')) await this.guard(move, () => this.moveDirectly(move));
    const fileMoves = moves.filter((m) => m.kind !== 'dir');
    const staged = await this.stageMoves(fileMoves);
    const deletions = this.splitDeletions();
    await this.removeInOrder(deletions.first);
    // The rest wait for no write and no write waits for them: they run while the writes below run.
    const removing = this.removeAlongside(deletions);
    removing.catch(() => undefined); // awaited below; a failure must not surface early as unhandled
    try {
      for (const action of byType('mkdir')) await this.guard(action, () => this.mkdir(action.path));
      for (const [move, temp] of staged) await this.guard(move, () => this.unstage(move, temp));
      await this.runContents(byType('copy', 'update', 'symlink'), pool);
    } finally {
      await removing;
    }
    for (const action of byType('chmod', 'touch')) await this.guard(action, () => this.fixMetadata(action));
    await this.restampDirectories();
    await this.removeStaging();
  }

  private abs(rel: string): string {
    return joinPath(this.input.replicaRoot, rel);
  }

  private reportSkip(action: Extract<Action, { type: 'skip' }>): void {
    if (action.unrepresentable) this.counts.unrepresentable += 1;
    else this.counts.skipped += 1;
    this.input.emit({ type: 'op', op: 'skip', path: action.path, detail: action.reason });
  }

  /** Runs one action unless the run stopped or a folder above it failed; records the outcome. */
  private async guard(action: Action, work: () => Promise<void>): Promise<void> {
    const path = action.path;
    if (this.fatal !== undefined || this.input.signal?.aborted) return;
    const blocked = this.failedAncestor(path) ?? (action.type === 'move' ? this.failedAncestor(action.from) : undefined);
    if (blocked !== undefined) {
      this.failed.add(path);
      this.error(path, `not attempted: "${display(blocked)}" failed`);
      return;
    }
    try {
      await work();
      this.notDone.delete(path);
      this.streak = undefined;
    } catch (error) {
      this.failed.add(path);
      if (error instanceof ChangedDuringCopy) {
        this.counts.skipped += 1;
        this.input.emit({ type: 'op', op: 'skip', path, detail: error.message });
        return;
      }
      const code = codeOf(error);
      if (code !== undefined && FATAL_CODES.has(code)) {
        this.fatal = `the replica stopped taking writes (${describe(error)}) at "${display(path)}"; nothing more was written`;
      } else this.noteFailure(path, code);
      this.error(path, describe(error), code);
    }
  }

  /**
   * A drive that fails every write without saying ENOSPC (fusefat says EPERM when full) would otherwise log one
   * error per file: EPERM in several folders in a row, with no success between, stops the run.
   */
  private noteFailure(path: string, code: string | undefined): void {
    if (code === undefined || !STREAK_CODES.has(code)) return;
    if (this.streak?.code !== code) this.streak = { code, dirs: new Set(), files: 0 };
    this.streak.dirs.add(parentOf(path));
    this.streak.files += 1;
    if (this.streak.dirs.size >= STREAK_FOLDERS || this.streak.files >= STREAK_FILES) {
      this.fatal = `the replica refused every write (${code}) ${this.streak.files} times in a row, the last at "${display(path)}"; nothing more was written`;
    }
  }

  private failedAncestor(rel: string): string | undefined {
    return this.failed.size === 0 ? undefined : ancestorIn(rel, this.failed);
  }

  private error(path: string, detail: string, code?: string): void {
    this.counts.errors += 1;
    if (this.failures.length < FAILURES_LISTED) this.failures.push({ path, message: detail, ...(code !== undefined ? { code } : {}) });
    this.input.emit({ type: 'op', op: 'error', path, detail });
  }

  private markChanged(rel: string): void {
    this.dirtyDirs.add(parentOf(rel));
  }

  /**
   * Retries once after making the replica folder writable: a read-only source folder is mirrored read-only.
   * A folder found writable already was opened by a deletion running alongside since this one failed: retry too
   * (where something else refused, the retry fails the same way).
   */
  private async inWritableParent<T>(rel: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (codeOf(error) !== 'EACCES' && codeOf(error) !== 'EPERM') throw error;
      const parent = this.abs(parentOf(rel));
      const stat = await fsp.lstat(fsPath(parent));
      if (!stat.isDirectory()) throw error;
      if ((stat.mode & 0o300) !== 0o300) {
        await fsp.chmod(fsPath(parent), (stat.mode & 0o7777) | 0o700);
        this.dirtyDirs.add(parentOf(rel));
        this.modeDirs.add(parentOf(rel));
      }
      return await work();
    }
  }

  private async moveDirectly(move: Extract<Action, { type: 'move' }>): Promise<void> {
    await this.ensureParent(move.path);
    await this.inWritableParent(move.path, () => this.renameFolder(move.from, move.path));
    this.finishMove(move);
  }

  /**
   * A folder move is one rename, except on a drive whose folder rename loses what is inside (fusefat: the folder
   * arrives empty and its files are gone). There the folder is rebuilt entry by entry: files still rename fine.
   */
  private async renameFolder(from: string, to: string): Promise<void> {
    this.folderRenames ??= folderRenameKeepsContents(fsPathBuffer(this.input.replicaRoot));
    if (await this.folderRenames) {
      await fsp.rename(fsPath(this.abs(from)), fsPath(this.abs(to)));
      return;
    }
    this.dirtyDirs.add(''); // the check's temporary folder came and went in the replica root
    if (caseKey(from) === caseKey(to)) {
      // On a case-insensitive drive `to` is `from` itself: go through a temporary name.
      const temp = siblingTemp(to);
      await this.moveFolderByParts(from, temp);
      await this.moveFolderByParts(temp, to);
    } else {
      await this.moveFolderByParts(from, to);
    }
  }

  private async moveFolderByParts(from: string, to: string): Promise<void> {
    await fsp.mkdir(fsPath(this.abs(to)), { mode: 0o700 });
    this.dirtyDirs.add(to);
    this.modeDirs.add(to);
    for (const name of await fsp.readdir(fsPath(this.abs(from)), { encoding: 'buffer' })) {
      const child = `${from}/${name.toString('latin1')}`;
      const target = `${to}/${name.toString('latin1')}`;
      if ((await fsp.lstat(fsPath(this.abs(child)))).isDirectory()) {
        await this.moveFolderByParts(child, target);
      } else {
        await fsp.rename(fsPath(this.abs(child)), fsPath(this.abs(target)));
        // The same drive re-stamps mtimes on rename: give the final name its source mtime back.
        if (this.input.wanted.has(target)) this.after.set(target, stateOf(await this.settleMtime(target)));
      }
    }
    await fsp.rmdir(fsPath(this.abs(from)));
  }

  private finishMove(move: Extract<Action, { type: 'move' }>): void {
    this.counts.moved += 1;
    this.markChanged(move.from);
    this.markChanged(move.path);
    if (move.kind === 'dir') this.dirtyDirs.add(move.path);
    this.input.emit({ type: 'op', op: 'move', path: move.path, from: move.from });
  }

  /** Creates missing folders above `rel` (a folder move or case rename may land below new folders). */
  private async ensureParent(rel: string): Promise<void> {
    const parent = parentOf(rel);
    if (parent === '') return;
    const stat = await fsp.lstat(fsPath(this.abs(parent))).catch(() => undefined);
    if (stat?.isDirectory()) return;
    await this.ensureParent(parent);
    await this.mkdir(parent);
  }

  /** Every moved file goes aside first, so that swaps and cycles of renames never overwrite each other. */
  private async stageMoves(moves: Array<Extract<Action, { type: 'move' }>>): Promise<Array<[Extract<Action, { type: 'move' }>, string]>> {
    if (moves.length === 0) return [];
    const staging = `${RESERVED_PREFIX}staging`;
    try {
      await fsp.mkdir(fsPath(this.abs(staging)), { mode: 0o700 });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
    }
    this.staging = staging;
    const staged: Array<[Extract<Action, { type: 'move' }>, string]> = [];
    for (const move of moves) {
      const temp = `${staging}/${tempName()}`;
      await this.guard(move, async () => {
        await this.inWritableParent(move.from, () => fsp.rename(fsPath(this.abs(move.from)), fsPath(this.abs(temp))));
        this.markChanged(move.from);
        staged.push([move, temp]);
        this.notDone.add(move.path); // done only once it is in place
      });
    }
    return staged;
  }

  private async unstage(move: Extract<Action, { type: 'move' }>, temp: string): Promise<void> {
    await this.ensureParent(move.path);
    const trash = this.input.trash;
    if (trash && (await fsp.lstat(fsPath(this.abs(move.path))).catch(() => undefined))?.isFile()) {
      trash.put(this.abs(move.path), move.path); // a file moved over another: keep the one it replaces
    }
    await this.inWritableParent(move.path, () => fsp.rename(fsPath(this.abs(temp)), fsPath(this.abs(move.path))));
    this.finishMove(move);
    this.after.set(move.path, stateOf(await this.settleMtime(move.path)));
  }

  private async removeStaging(): Promise<void> {
    if (this.staging === undefined) return;
    await fsp.rm(fsPath(this.abs(this.staging)), { recursive: true, force: true }).catch(() => undefined);
  }

  /** --trash moves each deleted file into one folder per run: those stay one at a time, in plan order. */
  private splitDeletions(): DeletionSplit {
    if (this.input.trash) return { first: this.input.actions.filter(isDeletion), files: [], folders: [] };
    return splitDeletions(this.input.actions, this.input.traits.caseSensitive ? undefined : caseKey);
  }

  private async removeInOrder(deletions: readonly Deletion[]): Promise<void> {
    for (const [i, action] of deletions.entries()) {
      await this.guard(action, () => this.remove(action));
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEvents();
    }
  }

  /**
   * Files through the thread pool, many at once, so this thread stays free to feed the copy workers. Where an
   * unlink waits on the disk (ext4 mounted `discard`: 1,000 took 136 ms one by one, 56 ms this way) that wins;
   * on tmpfs each costs this thread ~50 µs instead of ~15 µs, and the overlap with the copies only evens it out.
   * Folders after them, in order, contents first.
   */
  private async removeAlongside(split: DeletionSplit): Promise<void> {
    await pMap(split.files, (action) => this.guard(action, () => this.unlinkFile(action)), { concurrency: UNLINKS_AT_ONCE });
    await this.removeInOrder(split.folders);
  }

  /** remove() for a non-folder, in one syscall: unlink(2) itself refuses a folder (EISDIR) and says ENOENT. */
  private async unlinkFile(action: Deletion): Promise<void> {
    const target = fsPath(this.abs(action.path));
    try {
      await this.inWritableParent(action.path, () => fsp.unlink(target));
      this.counts.deleted += 1;
      this.markChanged(action.path);
    } catch (error) {
      if (codeOf(error) === 'EISDIR') throw new Error(FOUND_A_FOLDER);
      if (codeOf(error) !== 'ENOENT') throw error;
    }
    this.input.emit({ type: 'op', op: action.type, path: action.path });
  }

  /**
   * The deletions that must keep their order (and --trash's): synchronous syscalls, one or two each, where a
   * thread-pool round trip would cost about as much as the call. removeInOrder lets the event loop in between batches.
   */
  private async remove(action: Action): Promise<void> {
    const target = fsPath(this.abs(action.path));
    const stat = fs.lstatSync(target, { throwIfNoEntry: false });
    if (stat !== undefined) {
      if (action.type === 'rmdir') {
        if (!stat.isDirectory()) throw new Error('expected a folder here, found something else; left alone');
        await this.inWritableParent(action.path, async () => fs.rmdirSync(target));
      } else {
        if (stat.isDirectory()) throw new Error(FOUND_A_FOLDER);
        const trash = this.input.trash;
        await this.inWritableParent(action.path, async () => (trash ? trash.put(this.abs(action.path), action.path) : fs.unlinkSync(target)));
      }
      this.counts.deleted += 1;
      this.markChanged(action.path);
    }
    this.input.emit({ type: 'op', op: action.type, path: action.path });
  }

  private async mkdir(rel: string): Promise<void> {
    try {
      await this.inWritableParent(rel, () => fsp.mkdir(fsPath(this.abs(rel)), { mode: 0o700 }));
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw error;
      const stat = await fsp.lstat(fsPath(this.abs(rel)));
      if (!stat.isDirectory()) throw error;
      return;
    }
    this.counts.created += 1;
    this.markChanged(rel);
    this.dirtyDirs.add(rel);
    this.modeDirs.add(rel);
    this.notDone.delete(rel);
    this.input.emit({ type: 'op', op: 'mkdir', path: rel });
  }

  /** Symlinks here, file contents in the copy pool's workers. */
  private async runContents(actions: Action[], pool: CopyPool): Promise<void> {
    for (const action of actions) {
      if (action.type === 'symlink') await this.guard(action, () => this.symlink(action));
    }
    const copies = actions.filter((a): a is Extract<Action, { type: 'copy' | 'update' }> => a.type === 'copy' || a.type === 'update');
    const retry: Array<Extract<Action, { type: 'copy' | 'update' }>> = [];
    await pool.run(
      { items: copies, jobOf: (action) => this.jobUnlessBlocked(action) },
      {
        done: (action, outcome) => {
          if (!outcome.ok && (outcome.code === 'EACCES' || outcome.code === 'EPERM')) retry.push(action);
          else this.finishCopy(action, outcome);
        },
        bytes: (action, bytesSoFar) => this.copying(action.path, bytesSoFar),
        shouldStop: () => this.fatal !== undefined || this.input.signal?.aborted === true,
      },
    );
    // Read-only replica folders (mirrored from read-only source folders) are opened up and the copy tried again.
    for (const action of retry) {
      await this.guard(action, async () => {
        const outcome = await this.inWritableParent(action.path, async () => {
          const result = copyFileAtomicSync(this.copyJob(action.path, action.type === 'update'));
          if (!result.ok && !result.changed) throw Object.assign(new Error(result.message), { code: result.code });
          return result;
        });
        this.finishCopy(action, outcome);
      });
    }
  }

  private jobUnlessBlocked(action: Extract<Action, { type: 'copy' | 'update' }>): CopyJob | undefined {
    const blocked = this.failedAncestor(action.path);
    if (blocked === undefined) return this.copyJob(action.path, action.type === 'update');
    this.failed.add(action.path);
    this.error(action.path, `not attempted: "${display(blocked)}" failed`);
    return undefined;
  }

  private copyJob(rel: string, update: boolean): CopyJob {
    const src = this.sourceEntry(rel);
    return {
      source: joinPath(this.input.sourceRoot, rel),
      target: this.abs(rel),
      temp: this.abs(siblingTemp(rel)),
      size: src.size,
      mtimeMs: src.mtimeMs,
      ctimeMs: src.ctimeMs,
      ino: src.ino,
      mode: src.mode,
      setMode: this.input.traits.modes,
      tolerance: this.input.tolerance,
      ...(update && this.input.trash ? { trashTarget: this.input.trash.pathFor(rel) } : {}),
    };
  }

  private finishCopy(action: Extract<Action, { type: 'copy' | 'update' }>, outcome: CopyOutcome): void {
    const path = action.path;
    const partial = this.partial.get(path);
    if (partial !== undefined) {
      this.partialBytes -= partial;
      this.partial.delete(path);
    }
    if (!outcome.ok) {
      this.failed.add(path);
      if (outcome.changed) {
        this.counts.skipped += 1;
        this.input.emit({ type: 'op', op: 'skip', path, detail: outcome.message });
        return;
      }
      // Copies already in flight when the replica stopped taking writes fail the same way: one error says it.
      if (this.fatal !== undefined) return;
      if (outcome.code !== undefined && FATAL_CODES.has(outcome.code)) {
        this.fatal = `the replica stopped taking writes (${outcome.code}) at "${display(path)}"; nothing more was written`;
      } else this.noteFailure(path, outcome.code);
      this.error(path, outcome.code !== undefined && !outcome.message.startsWith(outcome.code) ? `${outcome.code}: ${outcome.message}` : outcome.message, outcome.code);
      return;
    }
    const size = this.sourceEntry(path).size;
    this.streak = undefined;
    this.notDone.delete(path);
    this.after.set(path, { kind: 'file', mtimeMs: outcome.mtimeMs });
    this.markChanged(path);
    if (action.type === 'copy') this.counts.copied += 1;
    else this.counts.updated += 1;
    this.counts.bytesCopied += size;
    this.filesDone += 1;
    this.current = path;
    this.input.emit({ type: 'op', op: action.type, path });
    this.reportProgress();
  }

  /** Bytes of a large file copied so far: shown before the file is done. */
  private copying(rel: string, bytesSoFar: number): void {
    this.partialBytes += bytesSoFar - (this.partial.get(rel) ?? 0);
    this.partial.set(rel, bytesSoFar);
    this.current = rel;
    this.reportProgress();
  }

  /** At most every PROGRESS_EVERY_MS, and at the last file: listeners show it, none needs every file. */
  private reportProgress(): void {
    const now = Date.now();
    if (this.filesDone < this.filesTotal && now - this.progressAt < PROGRESS_EVERY_MS) return;
    this.progressAt = now;
    this.input.emit({
      type: 'progress',
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.counts.bytesCopied + this.partialBytes,
      bytesTotal: this.bytesTotal,
      ...(this.current !== undefined ? { current: this.current } : {}),
    });
  }

  private sourceEntry(rel: string): Entry {
    const entry = this.input.wanted.get(rel);
    if (entry === undefined) throw new Error('no source entry planned for this path');
    return entry;
  }

  private async symlink(action: Extract<Action, { type: 'symlink' }>): Promise<void> {
    const src = this.sourceEntry(action.path);
    const temp = fsPath(this.abs(siblingTemp(action.path)));
    try {
      await this.inWritableParent(action.path, () => fsp.symlink(fsPath(action.target), temp));
      await this.applyMetadata(temp, src, true);
      await fsp.rename(temp, fsPath(this.abs(action.path)));
    } catch (error) {
      await fsp.unlink(temp).catch(() => undefined);
      throw error;
    }
    this.after.set(action.path, stateOf(statEntry(this.abs(action.path)) ?? src));
    this.markChanged(action.path);
    if (action.replace) this.counts.updated += 1;
    else this.counts.copied += 1;
    this.input.emit({ type: 'op', op: 'symlink', path: action.path });
  }

  private async applyMetadata(target: fs.PathLike, src: Entry, isLink: boolean): Promise<void> {
    const seconds = src.mtimeMs / 1000;
    if (isLink) {
      await fsp.lutimes(target, seconds, seconds);
      return;
    }
    if (this.input.traits.modes) await fsp.chmod(target, src.mode);
    await fsp.utimes(target, seconds, seconds);
  }

  /** Some file systems (fusefat) re-stamp a file's mtime on rename: set it again where it did not stick. */
  private async settleMtime(rel: string): Promise<Entry> {
    const abs = this.abs(rel);
    let entry = statEntry(abs);
    const src = this.input.wanted.get(rel);
    if (entry === undefined) throw new Error('vanished right after it was written');
    if (src !== undefined && entry.kind !== 'dir' && !mtimeNear(entry.mtimeMs, src.mtimeMs, this.input.tolerance)) {
      const seconds = src.mtimeMs / 1000;
      if (entry.kind === 'symlink') await fsp.lutimes(fsPath(abs), seconds, seconds);
      else await fsp.utimes(fsPath(abs), seconds, seconds);
      entry = statEntry(abs) ?? entry;
    }
    return entry;
  }

  private async fixMetadata(action: Action): Promise<void> {
    const src = this.sourceEntry(action.path);
    if (src.kind === 'dir') {
      // Folders get their mode and mtime last, after everything inside them changed.
      this.dirtyDirs.add(action.path);
      if (action.type === 'chmod') this.modeDirs.add(action.path);
      return;
    }
    const abs = fsPath(this.abs(action.path));
    if (action.type === 'chmod') await fsp.chmod(abs, src.mode);
    else if (src.kind === 'symlink') await fsp.lutimes(abs, src.mtimeMs / 1000, src.mtimeMs / 1000);
    else await fsp.utimes(abs, src.mtimeMs / 1000, src.mtimeMs / 1000);
    this.after.set(action.path, stateOf(statEntry(this.abs(action.path)) ?? src));
    this.counts.metadata += 1;
    this.input.emit({ type: 'op', op: action.type, path: action.path });
  }

  /**
   * Folders whose contents changed get the source's mode and mtime back, deepest first. Synchronous syscalls,
   * as in remove(): an incremental run restamps thousands of folders.
   */
  private async restampDirectories(): Promise<void> {
    const dirs = [...this.dirtyDirs].sort((a, b) => b.length - a.length);
    for (const [i, rel] of dirs.entries()) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEvents();
      if (this.fatal !== undefined || this.failed.has(rel)) continue;
      const src = rel === '' ? this.input.sourceRootEntry : this.input.wanted.get(rel);
      if (src === undefined || src.kind !== 'dir') continue;
      const abs = fsPath(this.abs(rel));
      // A drive's root folder has no timestamps on FAT and exFAT (no directory entry holds them), and fusefat
      // dies when asked to set them (ECONNABORTED: the drive is gone until remounted). A mount's root keeps its own.
      if (rel === '' && (await isMountRoot(fsPathBuffer(this.abs(rel))))) continue;
      try {
        if (rel !== '' && this.input.traits.modes && this.modeDirs.has(rel)) fs.chmodSync(abs, src.mode);
        fs.utimesSync(abs, src.mtimeMs / 1000, src.mtimeMs / 1000);
        if (rel !== '') this.after.set(rel, stateOf(statEntry(this.abs(rel)) ?? src));
        this.notDone.delete(rel);
      } catch (error) {
        this.error(rel, describe(error), codeOf(error));
        this.notDone.add(rel);
      }
    }
  }

}
