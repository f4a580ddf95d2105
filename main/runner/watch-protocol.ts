/** The messages between watchForChanges and its worker thread (main/runner/watch-worker.ts). */

/** What the worker is given to watch. */
export interface WatchJob {
  readonly root: string;
  readonly excludes: readonly string[];
}

/** Worker → host. */
export type WatchReport =
  | { readonly type: 'ready' }
  | { readonly type: 'changed' }
  | { readonly type: 'error'; readonly message: string; readonly code?: string };

/** Host → worker. */
export type WatchCommand = { readonly type: 'close' };
