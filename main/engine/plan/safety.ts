/**
 * Checks that keep a mistake or an unplugged drive from wiping a replica (after mutagen's halt states and
 * rclone's --max-delete). Configuration mistakes are ConfigErrors (exit 2, nothing touched); conditions of the
 * moment (emptied source, too many deletions) are refusals (exit 3, nothing changed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isSameOrInside, overlapOf, realpathLoose, type Overlap } from '../fs/overlap.js';
import { ConfigError, type SyncOptions } from '../run/options.js';
import type { Action, RefusalReason } from '../types.js';

function statOrUndefined(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch {
    return undefined;
  }
}

/** Throws a ConfigError naming the input when the pair cannot be synced at all. Touches nothing. */
export function validatePairSync(options: Pick<SyncOptions, 'source' | 'replica' | 'trash'>): void {
  const source = path.resolve(options.source);
  const replica = path.resolve(options.replica);
  const sourceStat = statOrUndefined(source);
  if (sourceStat === undefined) throw new ConfigError(`The source folder "${options.source}" does not exist.`);
  if (!sourceStat.isDirectory()) throw new ConfigError(`The source "${options.source}" is not a folder.`);
  try {
    fs.accessSync(source, fs.constants.R_OK | fs.constants.X_OK);
  } catch {
    throw new ConfigError(`The source folder "${options.source}" cannot be read.`);
  }
  const replicaStat = statOrUndefined(replica);
  if (replicaStat !== undefined && !replicaStat.isDirectory()) {
    throw new ConfigError(`The replica path "${options.replica}" is a file, not a folder.`);
  }
  if (replicaStat === undefined && !statOrUndefined(path.dirname(replica))?.isDirectory()) {
    throw new ConfigError(
      `The replica "${options.replica}" cannot be created: its parent folder "${path.dirname(replica)}" does not exist.`,
      'replica-parent-missing',
    );
  }
  if (replicaStat === undefined) requireWritableParent(options.replica, path.dirname(replica));
  const overlap = overlapOf(replica, source);
  if (overlap !== undefined) throw new ConfigError(overlapSentence(overlap, options.replica, options.source), 'overlap');
  if (options.trash) validateTrash(options.trash.dir, source, replica);
}

/** One sentence naming both folders; where the one inside was found through a bind mount, that place too. */
function overlapSentence(overlap: Overlap, replica: string, source: string): string {
  if (overlap.kind === 'same') return `The source "${source}" and the replica "${replica}" are the same folder.`;
  const [inner, innerName, outer, outerName] = overlap.kind === 'first-inside' ? [replica, 'replica', source, 'source'] : [source, 'source', replica, 'replica'];
  const via = overlap.at === realpathLoose(inner) ? '' : ` (through a bind mount it is also at "${overlap.at}")`;
  return `The ${innerName} "${inner}" is inside the ${outerName} "${outer}"${via}; choose a folder outside it.`;
}

/**
 * Where a folder the tool writes into on its own (the log folder, the state folder) lies against the pair, by the
 * same check as the pair's overlap. Inside the replica the mirror would delete it (callers refuse: exit 2); inside the
 * source every run changes the source, so watching for changes would start the next run at once (callers refuse when
 * watching, else warn: it is only mirrored along).
 */
export function sideFolderPlace(folder: string, pair: { readonly source: string; readonly replica: string }): 'replica' | 'source' | undefined {
  if (isSameOrInside(folder, pair.replica)) return 'replica';
  if (isSameOrInside(folder, pair.source)) return 'source';
  return undefined;
}

/** A replica to be made needs a parent it may write in: found now (exit code 2), not as the first run's failure. */
function requireWritableParent(replica: string, parent: string): void {
  try {
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    // The same reason as a missing parent: an empty mount point left by an unplugged drive is often root's and
    // read-only, and validatePair then lets the run refuse and wait for the drive instead of calling it a mistake.
    throw new ConfigError(`The replica "${replica}" cannot be created: its parent folder "${parent}" ${why}.`, 'replica-parent-missing');
  }
}

/**
 * The trash folder must be outside both trees (inside the replica it would be mirrored away, inside the source
 * mirrored) and must hold neither (pruning it would remove them).
 */
function validateTrash(dir: string, source: string, replica: string): void {
  const realTrash = realpathLoose(dir);
  if (isSameOrInside(dir, replica) || isSameOrInside(replica, dir)) {
    throw new ConfigError(`The trash folder "${dir}" overlaps the replica; choose a folder beside it, not inside it.`);
  }
  if (isSameOrInside(dir, source)) {
    throw new ConfigError(`The trash folder "${dir}" is inside the source; choose a folder outside it.`);
  }
  if (isSameOrInside(source, dir)) {
    throw new ConfigError(`The trash folder "${dir}" holds the source; choose a folder that does not contain it.`);
  }
  const existing = statOrUndefined(realTrash);
  if (existing !== undefined && !existing.isDirectory()) throw new ConfigError(`The trash path "${dir}" is a file, not a folder.`);
  if (existing === undefined && !statOrUndefined(path.dirname(realTrash))?.isDirectory()) {
    throw new ConfigError(`The trash folder "${dir}" cannot be created: its parent folder does not exist.`);
  }
}

export interface Refusal {
  readonly reason: RefusalReason;
  readonly message: string;
  readonly waitFor?: { readonly path: string; readonly mountPoint: string };
}

/** An empty source next to a replica that holds files is far more often an unmounted drive than a wish. */
export function checkEmptiedSource(sourceCount: number, replicaCount: number, source: string, allowEmpty: boolean): Refusal | undefined {
  if (sourceCount > 0 || replicaCount === 0 || allowEmpty) return undefined;
  return {
    reason: 'source-emptied',
    message: `The source "${source}" is empty but the replica holds ${replicaCount} entries; nothing was deleted (use --allow-empty-source if the source really is meant to be empty).`,
  };
}

/** Whether an action destroys what the replica held: a deletion, or with `overwrites` also a replaced file or link. */
function counts(action: Action, overwrites: boolean): boolean {
  if (action.type === 'delete' || action.type === 'rmdir') return true;
  return overwrites && (action.type === 'update' || (action.type === 'symlink' && action.replace));
}

export function checkMaxDelete(actions: readonly Action[], replicaCount: number, limit: SyncOptions['maxDelete'], overwrites = false): Refusal | undefined {
  if (limit === undefined) return undefined;
  const destroyed = actions.filter((a) => counts(a, overwrites)).length;
  const allowed = 'count' in limit ? limit.count : Math.floor((limit.percent / 100) * replicaCount);
  if (destroyed <= allowed) return undefined;
  const shown = 'count' in limit ? `${limit.count}` : `${limit.percent}% (${allowed} of ${replicaCount})`;
  const verb = overwrites ? 'delete or overwrite' : 'delete';
  return {
    reason: 'max-delete',
    message: `This run would ${verb} ${destroyed} entries in the replica, more than the limit of ${shown}; nothing was changed.`,
  };
}
