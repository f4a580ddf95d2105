/**
 * The data the engine's stages pass to each other and to their callers (CLI, tray). Plain data only.
 *
 * Paths inside the engine are *byte strings*: relative paths whose characters are the raw bytes of the
 * file name (latin1), so that names which are not valid UTF-8 survive the round trip. `display()` in
 * paths.ts turns one into readable text; `fsPath()` turns one into what `fs` takes.
 */

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

/** One scanned entry: what lstat said, and a symlink's target. */
export interface Entry {
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly mode: number;
  readonly ino: number;
  readonly dev: number;
  /** Birth time in ms; 0 where the file system does not say (FUSE drives). */
  readonly birthtimeMs: number;
  /** Symlink target as a byte string. */
  readonly target?: string;
}

/** What the record needs of a replica entry a run wrote: its kind and its own mtime, as they came out. */
export type ReplicaState = Pick<Entry, 'kind' | 'mtimeMs'>;

/** A tree as a map: relative byte-string path → entry. The root itself is not included. */
export type EntryMap = Map<string, Entry>;

/** What the replica's file system can hold, found by probing it (replica-fs.ts). */
export interface ReplicaTraits {
  /**
   * Coarsest mtime step the file system keeps, in milliseconds. 0.001 (1 µs) is the finest that can be seen:
   * Node (libuv) sets mtimes to the microsecond, so even ext4 and NTFS replicas hold µs-truncated mtimes.
   */
  readonly mtimeGranularityMs: number;
  readonly caseSensitive: boolean;
  readonly symlinks: boolean;
  /** chmod changes what lstat reports afterwards. */
  readonly modes: boolean;
  /** A file's mtime survives rename (fusefat re-stamps it to now: set it again after the final rename). */
  readonly renameKeepsMtime: boolean;
  /** Names with `: * ? " < > | \` (and, by the same rule, control characters) are refused. */
  readonly refusesWindowsChars: boolean;
  /** A name ending in '.' is kept as given (kernel vfat/exfat drop trailing dots). */
  readonly keepsTrailingDots: boolean;
  /** A name ending in ' ' is kept as given. */
  readonly keepsTrailingSpaces: boolean;
  /** Names with non-ASCII characters are accepted (fusefat refuses them all). */
  readonly unicodeNames: boolean;
  /** Names that are not valid UTF-8 are accepted (only POSIX file systems: the others store UTF-16). */
  readonly byteNames: boolean;
  /** Set when the probe could not write in the replica root at all; the traits are then the conservative ones. */
  readonly probeError?: string;
  /** A short human summary, e.g. "exFAT-like: no symlinks, case-insensitive, 1 s mtimes". */
  readonly summary: string;
}

export type ActionType =
  | 'mkdir'
  | 'copy'
  | 'update'
  | 'symlink'
  | 'move'
  | 'delete'
  | 'rmdir'
  | 'chmod'
  | 'touch'
  | 'skip';

/**
 * One planned step. `path` is where it acts in the replica (relative byte string); `why` says in a few words what
 * made the planner choose it (`--dry-run` shows it: "size changed", "same inode", "not in the source").
 */
export type Action = (
  | { readonly type: 'mkdir'; readonly path: string }
  | { readonly type: 'copy' | 'update'; readonly path: string; readonly size: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string; readonly replace: boolean }
  | { readonly type: 'move'; readonly from: string; readonly path: string; readonly kind: 'file' | 'dir' | 'symlink' }
  | { readonly type: 'delete'; readonly path: string }
  | { readonly type: 'rmdir'; readonly path: string }
  | { readonly type: 'chmod'; readonly path: string; readonly mode: number }
  | { readonly type: 'touch'; readonly path: string }
  | { readonly type: 'skip'; readonly path: string; readonly reason: string; readonly unrepresentable: boolean }
) & { readonly why?: string };

export type OperationName = ActionType | 'error' | 'cleanup';

/** Everything a run reports while it goes; the CLI and the tray turn these into log lines and status. */
export type SyncEvent =
  | { readonly type: 'start'; readonly source: string; readonly replica: string; readonly dryRun: boolean }
  | { readonly type: 'probe'; readonly traits: ReplicaTraits }
  | { readonly type: 'plan'; readonly actions: readonly Action[] }
  | { readonly type: 'op'; readonly op: OperationName; readonly path: string; readonly from?: string; readonly detail?: string }
  | { readonly type: 'warning'; readonly message: string }
  | {
      readonly type: 'progress';
      readonly filesDone: number;
      readonly filesTotal: number;
      /** Bytes of the files done, and of those being copied so far (a large file shows before it is done). */
      readonly bytesDone: number;
      readonly bytesTotal: number;
      /** The file being copied, or copied last (byte-string path). */
      readonly current?: string;
    };

/** Why a run refused to change anything (exit code 3 on the CLI). */
export type RefusalReason = 'source-missing' | 'source-emptied' | 'max-delete' | 'replica-not-connected';

/** One entry a run could not sync, and why: what the window lists and the JSON summary carries. */
export interface EntryFailure {
  /** Byte-string path relative to the roots; '' for the run as a whole. */
  readonly path: string;
  readonly message: string;
  /** The errno name when the system gave one (ENOSPC, EACCES, ...). */
  readonly code?: string;
}

/** Where a run's time went, and how much it read: `-v` and `--json` show it, the benchmark prints it. */
export interface RunStats {
  readonly sourceEntries: number;
  readonly replicaEntries: number;
  /** File contents read: copied, and hashed to find renames or compare (--checksum). */
  readonly bytesRead: number;
  /** Milliseconds per stage. The two scans run at the same time (and may start before the run, on the CLI). */
  readonly stageMs: {
    readonly scanSource: number;
    readonly scanReplica: number;
    readonly loadRecord: number;
    readonly triage: number;
    readonly plan: number;
    readonly execute: number;
    readonly saveRecord: number;
  };
}

/** How many failures a summary lists by name; the count in `errors` is always complete. */
export const FAILURES_LISTED = 100;

export interface RunSummary {
  /** ok: replica equals source (maybe with warnings); partial: some entries failed; refused: nothing changed. */
  readonly status: 'ok' | 'partial' | 'refused';
  readonly refusal?: {
    readonly reason: RefusalReason;
    readonly message: string;
    /** An unplugged drive: the path and the mount point it must lie on again before the pair can sync. */
    readonly waitFor?: { readonly path: string; readonly mountPoint: string };
  };
  readonly copied: number;
  readonly updated: number;
  readonly moved: number;
  readonly deleted: number;
  readonly created: number;
  readonly metadata: number;
  readonly skipped: number;
  readonly unrepresentable: number;
  readonly errors: number;
  /** The first FAILURES_LISTED of the entries counted in `errors`, in the order they failed. */
  readonly failures: readonly EntryFailure[];
  readonly bytesCopied: number;
  /** Planned actions that did not complete (failed, or never started because the run was stopped). */
  readonly undone: number;
  /** Stopped part-way by its AbortSignal (Stop, a second Ctrl-C): the rest is for the next run. */
  readonly aborted: boolean;
  /** Absent for a run refused before it scanned. */
  readonly stats?: RunStats;
  readonly durationMs: number;
  readonly dryRun: boolean;
  readonly actions?: readonly Action[];
}
