/**
 * A change watcher in the spirit of Syncthing's watchaggregator: raw file-system events only say "something
 * changed, sync soon". They are aggregated into one pending batch that is released after a quiet period, so
 * a burst of writes (an unpacked archive, an editor's save dance) gives one early run, not hundreds. The
 * watcher is a hint, never the source of truth: the run that follows scans the whole tree, so a missed or
 * spurious event costs at most one cheap run. A watcher that fails (inotify limit, too many open files)
 * reports once and closes itself; the caller falls back to the interval alone.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';
import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar';
import { createExcludeMatcher, toByteString } from '../engine/index.js';
import { systemClock, type Clock } from './schedule.js';

export interface AggregatorOptions {
  /** Quiet time after the last event before `onQuiet` (Syncthing's fsWatcherDelayS). */
  readonly quietMs: number;
  /** Upper bound on the wait from the first event of a batch, so a file written non-stop still gets synced. */
  readonly maxDelayMs?: number;
  /** The first event of a batch: changes are pending. */
  readonly onPending: () => void;
  /** The batch has settled: time to run. */
  readonly onQuiet: () => void;
  readonly clock?: Clock;
}

export interface WatchOptions extends AggregatorOptions {
  /** The folder to watch (the sync source). */
  readonly root: string;
  /** The same gitignore lines as the run's excludes: changes there do not call for a run. */
  readonly excludes?: readonly string[];
  /** The watcher failed and has closed itself; called at most once. */
  readonly onError: (error: Error) => void;
  /** Seam for tests that need a watcher error on demand; chokidar's `watch` otherwise. */
  readonly createWatcher?: (root: string, options: ChokidarOptions) => FSWatcher;
}

export interface ChangeWatcher {
  /** Settles once the initial scan is done and events are being reported (or the watcher failed). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface ChangeAggregator {
  /** One raw event. */
  event(): void;
  close(): void;
}

const DEFAULT_MAX_DELAY_FACTOR = 10;

/**
 * Turns raw events into batches: `onPending` at a batch's first event, `onQuiet` once `quietMs` pass with no
 * further event (or `maxDelayMs` after the first). Separate from chokidar so its timing is tested on a fake
 * clock.
 */
export function createChangeAggregator(options: AggregatorOptions): ChangeAggregator {
  const clock = options.clock ?? systemClock;
  const maxDelayMs = options.maxDelayMs ?? options.quietMs * DEFAULT_MAX_DELAY_FACTOR;
  let closed = false;
  let batchStartedAt: number | undefined;
  let lastEventAt = 0;
  let timer: { wake(): void } | undefined;

  // One timer at a time; each wake-up re-checks the deadline, so an event only moves a timestamp and never
  // churns timers during a burst.
  const arm = (): void => {
    if (batchStartedAt === undefined || closed) return;
    const deadline = Math.min(lastEventAt + options.quietMs, batchStartedAt + maxDelayMs);
    const sleep = clock.sleep(Math.max(0, deadline - clock.now()));
    const mine = { wake: sleep.wake };
    timer = mine;
    void sleep.done.then(() => {
      if (timer !== mine || closed || batchStartedAt === undefined) return;
      timer = undefined;
      const now = clock.now();
      if (now < lastEventAt + options.quietMs && now < batchStartedAt + maxDelayMs) {
        arm();
        return;
      }
      batchStartedAt = undefined;
      options.onQuiet();
    });
  };

  return {
    event() {
      if (closed) return;
      lastEventAt = clock.now();
      if (batchStartedAt !== undefined) return;
      batchStartedAt = lastEventAt;
      options.onPending();
      arm();
    },
    close() {
      closed = true;
      const pending = timer;
      timer = undefined;
      pending?.wake();
    },
  };
}

export function watchForChanges(options: WatchOptions): ChangeWatcher {
  const root = path.resolve(options.root);
  const excluded = createExcludeMatcher(options.excludes);
  const aggregator = createChangeAggregator(options);
  let closed = false;

  // chokidar asks first without stats, then with them: a folder-only rule ('build/') takes effect on the second ask.
  const ignored = (absolute: string, stats?: Stats): boolean => {
    if (excluded === undefined) return false;
    const rel = path.relative(root, absolute);
    if (rel === '' || rel.startsWith('..')) return false;
    return excluded(toByteString(rel), stats?.isDirectory() ?? false);
  };

  const create = options.createWatcher ?? watch;
  const watcher = create(root, {
    ignoreInitial: true,
    // The run reads links as links; following them could watch trees outside the source.
    followSymlinks: false,
    // An unreadable folder is the run's to report (skipped and logged), not a reason to stop watching.
    ignorePermissionErrors: true,
    ignored,
  });

  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    aggregator.close();
    markReady();
    const closing = watcher.close();
    // close() drops every listener, but a scan still under way can emit more errors (one ENOSPC per folder
    // it fails to watch); an 'error' with no listener would throw and crash the process.
    watcher.on('error', () => {});
    await closing;
  };

  watcher.on('ready', () => markReady());
  watcher.on('all', () => aggregator.event());
  watcher.on('error', (error: unknown) => {
    if (closed) return;
    const err = error instanceof Error ? error : new Error(String(error));
    void close().finally(() => options.onError(err));
  });

  return { ready, close };
}
