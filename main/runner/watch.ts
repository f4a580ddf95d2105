/**
 * A change watcher in the spirit of Syncthing's watchaggregator: raw file-system events only say "something
 * changed, sync soon". They are aggregated into one pending batch that is released after a quiet period, so
 * a burst of writes (an unpacked archive, an editor's save dance) gives one early run, not hundreds. The
 * watcher is a hint, never the source of truth: the run that follows scans the whole tree, so a missed or
 * spurious event costs at most one cheap run. A watcher that fails (inotify limit, too many open files, its
 * memory bound) reports once and closes itself; the caller falls back to the interval alone.
 *
 * What it costs: one inotify watch per folder (main/runner/folder-watch.ts), and chokidar runs in a worker
 * thread (main/runner/watch-worker.ts) with a bounded heap, so neither its initial stat of every entry nor a
 * storm of changes ever stalls the event loop that drives the tray.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ChokidarOptions, FSWatcher } from 'chokidar';
import { watchFolders, type FolderWatch } from './folder-watch.js';
import { systemClock, type Clock } from './schedule.js';
import type { WatchCommand, WatchJob, WatchReport } from './watch-protocol.js';

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
  readonly createWatcher?: (paths: string[], options: ChokidarOptions) => FSWatcher;
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

const WORKER_URL = new URL('./watch-worker.js', import.meta.url);

/**
 * The worker's heap bounds. chokidar keeps a little per folder, and the waves of folder-watch.ts keep the stats of
 * only a few folders alive at once; a small young generation makes V8 collect them early instead of letting the
 * heap grow. Past the bound the worker dies, which reads as a watcher failure: the pair syncs on its interval alone.
 */
const WORKER_OLD_HEAP_MB = 40;
const WORKER_YOUNG_HEAP_MB = 1;
/** How long a closing worker gets to remove its watches before it is ended. */
const CLOSE_GRACE_MS = 2000;

function workerScript(): URL | undefined {
  return WORKER_URL.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_URL)) ? WORKER_URL : undefined;
}

export function watchForChanges(options: WatchOptions): ChangeWatcher {
  const aggregator = createChangeAggregator(options);
  let closed = false;
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let stop: () => Promise<void> = async () => {};

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    aggregator.close();
    markReady();
    await stop();
  };
  const hooks = {
    onChange: () => {
      if (!closed) aggregator.event();
    },
    onReady: () => markReady(),
    onError: (error: Error) => {
      if (closed) return;
      void close().finally(() => options.onError(error));
    },
  };

  const script = workerScript();
  // In this thread when a test injects chokidar, or where the worker script is not built (tests from sources).
  if (options.createWatcher !== undefined || script === undefined) {
    const watch: FolderWatch = watchFolders({
      root: options.root,
      ...(options.excludes === undefined ? {} : { excludes: options.excludes }),
      ...(options.createWatcher === undefined ? {} : { createWatcher: options.createWatcher }),
      ...hooks,
    });
    stop = () => watch.close();
  } else {
    stop = watchInWorker(script, { root: options.root, excludes: options.excludes ?? [] }, hooks);
  }
  return { ready, close };
}

/** Starts the worker; returns what closes it. */
function watchInWorker(
  script: URL,
  job: WatchJob,
  hooks: { onChange(): void; onReady(): void; onError(error: Error): void },
): () => Promise<void> {
  const worker = new Worker(script, {
    workerData: job,
    resourceLimits: { maxOldGenerationSizeMb: WORKER_OLD_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_HEAP_MB },
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let ending = false;
  worker.on('message', (report: WatchReport) => {
    if (report.type === 'changed') hooks.onChange();
    else if (report.type === 'ready') hooks.onReady();
    else hooks.onError(Object.assign(new Error(report.message), report.code === undefined ? {} : { code: report.code }));
  });
  // The worker itself failed (out of its heap, an exception): the same fallback as a chokidar error.
  worker.on('error', (error: Error & { code?: unknown }) => {
    if (error.code !== 'ERR_WORKER_OUT_OF_MEMORY') hooks.onError(error);
    else hooks.onError(Object.assign(new Error('the source has too many folders changing at once to watch within the memory set aside for it'), { code: error.code }));
  });
  void exited.then(() => {
    if (!ending) hooks.onError(new Error('the watcher thread stopped unexpectedly'));
  });
  return async () => {
    ending = true;
    worker.postMessage({ type: 'close' } satisfies WatchCommand);
    const grace = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
    await exited;
    clearTimeout(grace);
  };
}
