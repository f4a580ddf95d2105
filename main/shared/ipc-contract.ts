/**
 * The one contract between the main process, the preload bridge and the settings page: every IPC channel,
 * the arguments it takes and what it answers. Plain types and constants only, so the browser bundle, the
 * sandboxed preload and the main process can all import it (after Electron Fiddle's `ipc-events.ts`).
 *
 * The main process never trusts these types: every argument is checked again in `main/ipc/validate.ts`.
 */

/** Invoke channels (renderer asks, main answers) and the push channel (main tells the renderer). */
export const Channel = {
  GetSettings: 'settings:get',
  SaveSettings: 'settings:save',
  PickFolder: 'dialog:pick-folder',
  Preview: 'pair:preview',
  GetStatus: 'status:get',
  SyncNow: 'sync:now',
  StopSync: 'sync:stop',
  PausePair: 'pair:pause',
  StatusChanged: 'status:changed',
  ShowPair: 'window:show-pair',
} as const;

/** What the main process sends the page unasked: the status, and "show this pair" (a notification was clicked). */
export const PUSH_CHANNELS = [Channel.StatusChanged, Channel.ShowPair] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];
export type InvokeChannel = Exclude<(typeof Channel)[keyof typeof Channel], PushChannel>;

/** "Keep deleted and overwritten files": the engine's `trash` option, kept (with its folder) while switched off. */
export interface TrashSettings {
  readonly enabled: boolean;
  /** Absolute; empty until chosen. Beside the replica, never inside it. */
  readonly dir: string;
  /** Dated folders older than this many days are removed. */
  readonly keepDays: number;
}

export const DEFAULT_TRASH_DAYS = 30;

/**
 * A new pair's deletion limit. A share rather than a count, because the danger it guards against is a wipe (an
 * emptied or mis-pointed source), which is a large share of any replica, small or huge; a fixed count would let a
 * 50-file replica be wiped unasked and stop a 200,000-file one at every routine clean-up. Over it, the app shows
 * what would go and asks, so on small replicas the price of a share is a question now and then.
 */
export const DEFAULT_MAX_DELETE = '10%';
export const MAX_TRASH_DAYS = 3650;

/** One source → replica pair as the settings page edits it. `id` is empty for a pair not saved yet. */
export interface PairInput {
  readonly id: string;
  readonly source: string;
  readonly replica: string;
  /** `##d##h##m##s`, as typed. */
  readonly interval: string;
  readonly logDir: string;
  /** One glob per entry. */
  readonly excludes: readonly string[];
  readonly watch: boolean;
  readonly enabled: boolean;
  readonly trash: TrashSettings;
  /** "Stop if a sync would delete more than": `N` or `P%` as typed (main/shared/max-delete.ts); empty for no limit. */
  readonly maxDelete: string;
}

/**
 * A saved pair's id: it names the pair's state folder, so it is a plain name (no "/", no ".."), checked alike on
 * the IPC and in settings.json.
 */
export const PAIR_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** A stored pair: the same shape, with a non-empty id. */
export type PairSettings = PairInput;

export interface SettingsInput {
  readonly pairs: readonly PairInput[];
  readonly notifyOnFailure: boolean;
  readonly startAtLogin: boolean;
}

/** What the page gets on load: the settings plus what it needs to offer sensible defaults. */
export interface SettingsView extends SettingsInput {
  readonly pairs: readonly PairSettings[];
  readonly defaultLogDir: string;
}

/** `pair`: about the pair as a whole; `startAtLogin` (with pairIndex -1): about the app-wide toggle. */
export type PairField = 'source' | 'replica' | 'interval' | 'logDir' | 'excludes' | 'trashDir' | 'trashKeepDays' | 'maxDelete' | 'pair' | 'startAtLogin';

/** One inline error: which pair (index in the list sent, -1 for app-wide fields), which field, one sentence. */
export interface FieldError {
  readonly pairIndex: number;
  readonly field: PairField;
  readonly message: string;
}

export type SaveResult =
  | { readonly ok: true; readonly settings: SettingsView }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export type FolderField = 'source' | 'replica' | 'logDir' | 'trashDir';

export interface PickFolderRequest {
  readonly field: FolderField;
  /** Where the picker opens; ignored unless it is an absolute path. */
  readonly current: string;
}

export interface PreviewLine {
  readonly type: string;
  /** The same text the log would show for this action. */
  readonly text: string;
}

export type PreviewResult =
  | {
      readonly ok: true;
      readonly lines: readonly PreviewLine[];
      /** How many actions there are in total; `lines` holds at most the first PREVIEW_LIMIT. */
      readonly total: number;
      readonly summary: string;
      /**
       * A sync now would be refused (the deletion limit, an emptied source, …): the engine's sentence. With the
       * deletion limit, `lines` and `total` are the plan it would have refused.
       */
      readonly refusal: string | null;
    }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export const PREVIEW_LIMIT = 500;

/** The tray's four looks. */
export type TrayState = 'idle' | 'syncing' | 'error' | 'paused';

export interface LastRunView {
  readonly finishedAt: number;
  readonly outcome: 'ok' | 'partial' | 'refused' | 'failed';
  /** One line: the log's summary line, or the error sentence. */
  readonly text: string;
  /** Refused because a drive is unplugged: the mount point it must come back on (not an error: the pair waits). */
  readonly waitingFor: string | null;
  /** Entries the replica's file system cannot hold (a warning: the run still counts as done). */
  readonly unrepresentable: number;
  /** What the run did, for "12 minutes ago, 3 copied"; absent when it did not run (refused, declined, failed). */
  readonly counts?: RunCounts;
  /** The entries that failed, first FAILURES_SHOWN of them, each with its cause in words. */
  readonly failures?: readonly FailureView[];
}

export interface FailureView {
  /** Relative to the pair's folders, as text; '' for the run as a whole. */
  readonly path: string;
  /** "the drive is full", "permission denied". */
  readonly cause: string;
}

export const FAILURES_SHOWN = 20;
export const HISTORY_SHOWN = 10;

/** One past run, as the history keeps it across restarts. */
export interface HistoryEntry {
  readonly finishedAt: number;
  readonly durationMs: number;
  readonly outcome: LastRunView['outcome'];
  readonly text: string;
  readonly counts?: RunCounts;
}

export interface RunCounts {
  readonly copied: number;
  readonly updated: number;
  readonly moved: number;
  readonly deleted: number;
  readonly errors: number;
  readonly durationMs: number;
}

/** A running sync's progress, as the bar and the tray show it (the engine's progress event, with its rate). */
export interface ProgressView {
  readonly filesDone: number;
  readonly filesTotal: number;
  /** Bytes of the files done and of the one being copied so far: it moves inside a large file. */
  readonly bytesDone: number;
  readonly bytesTotal: number;
  /** Bytes a second over the last few seconds; null until measured. */
  readonly rate: number | null;
  /** Seconds left at that rate; null until measured. */
  readonly etaSeconds: number | null;
  /** The file being copied (or copied last), as text. */
  readonly current: string | null;
  /** "1.2 GiB of 2.0 GiB (60%), 105.3 MiB/s, 0:08 left, 1234/3002 files": the same words as the command line. */
  readonly text: string;
}

/** Done, in whole percent: by bytes (a large file moves it), by files when there is nothing to copy. */
export function progressPercent(progress: ProgressView): number {
  if (progress.bytesTotal > 0) return Math.floor((progress.bytesDone / progress.bytesTotal) * 100);
  return progress.filesTotal > 0 ? Math.floor((progress.filesDone / progress.filesTotal) * 100) : 0;
}

export interface PairStatusView {
  readonly id: string;
  readonly label: string;
  /** waiting: the last run found a drive unplugged; the pair syncs as soon as it is back. */
  readonly state: 'idle' | 'syncing' | 'error' | 'paused' | 'disabled' | 'waiting';
  readonly lastRun: LastRunView | null;
  /** ms since the epoch; null while paused, disabled or before the schedule started. */
  readonly nextRunAt: number | null;
  readonly changesPending: boolean;
  /** A question is open (a message box): what the run would delete, waiting for the user's answer. */
  readonly question: { readonly message: string; readonly detail: string } | null;
  /** Paused on its own (its card's Pause), as opposed to every pair paused from the tray. */
  readonly pairPaused: boolean;
  /** e.g. the watcher stopped and the pair runs on its interval only; entries the replica cannot hold. */
  readonly warnings: readonly string[];
  /** What the last probe found about the replica's file system ("exFAT-like: no symlinks, …"). */
  readonly replicaFs: string | null;
  readonly progress: ProgressView | null;
  /** The last runs, newest first (at most HISTORY_SHOWN), kept across restarts. */
  readonly history: readonly HistoryEntry[];
  /** The latest lines written to this pair's log, oldest first. */
  readonly logLines: readonly string[];
}

export interface StatusView {
  readonly state: TrayState;
  readonly paused: boolean;
  /** Quit was asked for while a run goes on: "finishing current sync…". */
  readonly quitting: boolean;
  /** App-wide warnings (settings file was corrupt, …). */
  readonly warnings: readonly string[];
  readonly pairs: readonly PairStatusView[];
}

/** Argument and result types of every invoke channel. */
export interface InvokeContract {
  [Channel.GetSettings]: { args: []; result: SettingsView };
  [Channel.SaveSettings]: { args: [SettingsInput]; result: SaveResult };
  [Channel.PickFolder]: { args: [PickFolderRequest]; result: string | null };
  [Channel.Preview]: { args: [PairInput]; result: PreviewResult };
  [Channel.GetStatus]: { args: []; result: StatusView };
  /** null: every enabled pair. */
  [Channel.SyncNow]: { args: [string | null]; result: void };
  /** Stops a running sync between two operations; null: every pair. */
  [Channel.StopSync]: { args: [string | null]; result: void };
  /** Pauses (true) or resumes (false) one pair's schedule. */
  [Channel.PausePair]: { args: [string, boolean]; result: void };
}

export interface PushContract {
  [Channel.StatusChanged]: StatusView;
  /** The pair whose failure notification was clicked. */
  [Channel.ShowPair]: string;
}

export type InvokeArgs<C extends InvokeChannel> = InvokeContract[C]['args'];
export type InvokeResult<C extends InvokeChannel> = InvokeContract[C]['result'];

/** What the preload exposes to the page as `window.folderSync`, and nothing else. */
export interface FolderSyncApi {
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: SettingsInput): Promise<SaveResult>;
  pickFolder(request: PickFolderRequest): Promise<string | null>;
  preview(pair: PairInput): Promise<PreviewResult>;
  getStatus(): Promise<StatusView>;
  syncNow(pairId: string | null): Promise<void>;
  stopSync(pairId: string | null): Promise<void>;
  pausePair(pairId: string, paused: boolean): Promise<void>;
  /** Returns a function that stops listening. */
  onStatus(listener: (status: StatusView) => void): () => void;
  /** A failure notification was clicked: show that pair. Returns a function that stops listening. */
  onShowPair(listener: (pairId: string) => void): () => void;
}

/** The global name the preload uses with contextBridge.exposeInMainWorld. */
export const API_NAME = 'folderSync';
