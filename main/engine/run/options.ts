import type { TrashOptions } from '../execute/trash.js';
import type { PlanRunInput } from '../plan/plan-run.js';
import type { SyncEvent } from '../types.js';

/** How one run of one (source, replica) pair is asked for. Paths are ordinary (UTF-8) strings here. */
export interface SyncOptions {
  readonly source: string;
  readonly replica: string;
  /** Folder that holds the file records, one file per pair. */
  readonly stateDir: string;
  /** Compare contents even when size and mtime match. */
  readonly checksum?: boolean;
  /**
   * gitignore lines (man gitignore) in gitignore's order, a later line overriding an earlier one, as if they were a
   * .gitignore at the root of both trees; matching entries are left alone on both sides. The caller puts together
   * the lines of its sources (the CLI: the source's .folder-sync-ignore, --exclude-from, --include/--exclude).
   */
  readonly excludes?: readonly string[];
  /** Plan only: report the actions, change nothing (not even the record). */
  readonly dryRun?: boolean;
  /** Let an empty source empty a replica that holds files. */
  readonly allowEmptySource?: boolean;
  /** Refuse the run (nothing changed) when it would delete more than this many entries, or this share of them. */
  readonly maxDelete?: { readonly count: number } | { readonly percent: number };
  /**
   * The limit counts files and links the run would overwrite as well as deletions (the app's choice: an overwrite
   * loses the old contents as surely as a deletion). The command line keeps rsync's meaning: deletions only.
   */
  readonly limitOverwrites?: boolean;
  /** Extra tolerance when comparing mtimes, in milliseconds (rsync's --modify-window). */
  readonly modifyWindowMs?: number;
  /** Keep deleted and overwritten replica files in dated folders under `dir` (outside source and replica). */
  readonly trash?: TrashOptions;
  /**
   * Descend into other file systems mounted inside the source (default: no, as rsync -x; the mount point itself is
   * left out, with a warning). File systems mounted inside the replica are never entered nor emptied.
   */
  readonly crossFileSystems?: boolean;
  /** Called for every event of the run, synchronously. */
  readonly onEvent?: (event: SyncEvent) => void;
  /** Aborting stops the run between operations; the replica stays consistent (atomic renames). */
  readonly signal?: AbortSignal;
}

/** A mistake in what the user asked for (bad folder, overlap): one sentence naming the input; exit code 2. */
export class ConfigError extends Error {
  override name = 'ConfigError';

  /**
   * Set where a caller may know better: a replica parent missing because its drive is unplugged; or the source and
   * the replica overlapping (however reached), which the command line refuses for safety (exit 3, nothing changed)
   * rather than calling it bad usage.
   */
  constructor(
    message: string,
    readonly reason?: 'replica-parent-missing' | 'overlap',
  ) {
    super(message);
  }
}

/** What of the options the planner takes; the rest of its input is the scans', the record's and the probe's. */
export function planOptions(options: SyncOptions): Pick<PlanRunInput, 'checksum' | 'allowEmptySource' | 'maxDelete' | 'limitOverwrites' | 'modifyWindowMs' | 'sourceName'> {
  return {
    checksum: options.checksum ?? false,
    allowEmptySource: options.allowEmptySource ?? false,
    ...(options.maxDelete ? { maxDelete: options.maxDelete, limitOverwrites: options.limitOverwrites ?? false } : {}),
    ...(options.modifyWindowMs !== undefined ? { modifyWindowMs: options.modifyWindowMs } : {}),
    sourceName: options.source,
  };
}
