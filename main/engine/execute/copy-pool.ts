/**
 * Copies files in a few worker threads, in small batches: the event loop of the process hosting the engine
 * stays free, and syscalls run back to back without thread-pool round trips. Where the worker script is not
 * built (tests running from sources) the same code runs in this thread. Where the native addon is loaded, files up
 * to SMALL_FILE go through its copyFileAsync instead (copy-native.ts) and only the larger ones reach workers.
 */
import fs from 'node:fs';
import os from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { copyFileAtomicSync, SMALL_FILE, type BytesCopied, type CopyJob, type CopyOutcome, type CopyTrees } from './copy-file.js';
import { copySmallNative, type CopyFileAsync } from './copy-native.js';

/** What a copy worker is started with: the run's root descriptors (process-wide), and the run's trash folder. */
export interface CopyRoots {
  readonly source: number;
  readonly replica: number;
  readonly trash?: { readonly fd: number; readonly folder: string };
}

/** How long a worker may take to close its descriptors before it is terminated anyway. */
const CLOSE_WAIT_MS = 2000;

const WORKER_URL = new URL('./copy-worker.js', import.meta.url);
/** Enough jobs per message to amortise messaging, few enough bytes that progress stays smooth. */
const BATCH_FILES = 32;
const BATCH_BYTES = 8 << 20;

function workerAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_URL));
}

/** What the caller copies: each item becomes its job only when its batch is sent, so a first mirror of a
 * million files never holds a million jobs (three absolute paths each). */
export interface CopySource<T> {
  readonly items: Iterable<T>;
  /** The job for an item, or undefined to leave it out (the caller reports why). */
  readonly jobOf: (item: T) => CopyJob | undefined;
}

export interface CopyListener<T> {
  /** Each item as its copy completes (or fails). */
  done(item: T, outcome: CopyOutcome): void;
  /** Bytes copied so far inside a large file, now and then while it is copied. */
  bytes?(item: T, bytesSoFar: number): void;
  /** Checked between batches: true stops handing out work. */
  shouldStop(): boolean;
}

export interface CopyPool {
  /** Copies the items' jobs, telling `listener` as they go. */
  run<T>(source: CopySource<T>, listener: CopyListener<T>): Promise<void>;
  close(): Promise<void>;
}

interface Batch<T> {
  readonly items: T[];
  readonly jobs: CopyJob[];
}

/** Cuts the items into batches as they are asked for. */
function batcher<T>(source: CopySource<T>): () => Batch<T> | undefined {
  const iterator = source.items[Symbol.iterator]();
  let carried: { item: T; job: CopyJob } | undefined;
  return () => {
    const batch: Batch<T> = { items: [], jobs: [] };
    let bytes = 0;
    const take = (item: T, job: CopyJob): void => {
      batch.items.push(item);
      batch.jobs.push(job);
      bytes += job.size;
    };
    if (carried) take(carried.item, carried.job);
    carried = undefined;
    while (batch.jobs.length < BATCH_FILES) {
      const next = iterator.next();
      if (next.done) break;
      const job = source.jobOf(next.value);
      if (job === undefined) continue;
      if (batch.jobs.length > 0 && bytes + job.size > BATCH_BYTES) {
        carried = { item: next.value, job };
        break;
      }
      take(next.value, job);
    }
    return batch.jobs.length > 0 ? batch : undefined;
  };
}

/** Copies one batch in this thread. */
function copyHere<T>(batch: Batch<T>, listener: CopyListener<T>, trees: CopyTrees): void {
  batch.jobs.forEach((job, i) => {
    const item = batch.items[i]!;
    const onBytes: BytesCopied | undefined = listener.bytes === undefined ? undefined : (bytes) => listener.bytes!(item, bytes);
    listener.done(item, copyFileAtomicSync(job, trees, onBytes));
  });
}

class InThreadPool implements CopyPool {
  constructor(private readonly trees: CopyTrees) {}

  async run<T>(source: CopySource<T>, listener: CopyListener<T>): Promise<void> {
    const nextBatch = batcher(source);
    for (let batch = nextBatch(); batch !== undefined; batch = nextBatch()) {
      if (listener.shouldStop()) return;
      copyHere(batch, listener, this.trees);
      await yieldToEvents(); // let events and signals through between batches
    }
  }

  async close(): Promise<void> {}
}

type WorkerReply = { id: number; outcomes: CopyOutcome[] } | { id: number; index: number; bytes: number };

/** A worker that stopped without answering (crashed, killed for memory): its batch is lost, the rest goes on. */
class WorkerLost extends Error {}

class WorkerPool implements CopyPool {
  private readonly workers: Worker[];
  private nextId = 0;

  constructor(
    size: number,
    script: URL,
    private readonly trees: CopyTrees,
  ) {
    const roots: CopyRoots = {
      source: trees.source.rootFd,
      replica: trees.replica.rootFd,
      ...(trees.trash ? { trash: { fd: trees.trash.tree.rootFd, folder: trees.trash.folder } } : {}),
    };
    // Copy workers keep little alive: a small young generation keeps their memory small.
    this.workers = Array.from({ length: size }, () => new Worker(script, { workerData: roots, resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
  }

  private send(worker: Worker, jobs: CopyJob[], onBytes: (index: number, bytes: number) => void): Promise<CopyOutcome[]> {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply): void => {
        if (reply.id !== id) return;
        if ('bytes' in reply) {
          onBytes(reply.index, reply.bytes);
          return;
        }
        cleanup();
        resolve(reply.outcomes);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new WorkerLost(`the copy worker stopped (exit code ${code}) before this file was copied`));
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({ id, jobs });
    });
  }

  async run<T>(source: CopySource<T>, listener: CopyListener<T>): Promise<void> {
    const nextBatch = batcher(source);
    const lost: Array<Batch<T>> = [];
    await Promise.all(
      this.workers.map(async (worker) => {
        while (!listener.shouldStop()) {
          const batch = nextBatch();
          if (batch === undefined) return;
          const outcomes = await this.send(worker, batch.jobs, (index, bytes) => listener.bytes?.(batch.items[index]!, bytes)).catch((error: unknown) => {
            // A worker that died mid-batch: those files are failed (copied next run), and it takes no more work.
            if (error instanceof WorkerLost) return batch.jobs.map((): CopyOutcome => ({ ok: false, lost: true, message: error.message }));
            lost.push(batch);
            return undefined;
          });
          if (outcomes === undefined) return; // it never ran (failed to start): this thread copies its batch below
          batch.items.forEach((item, i) => listener.done(item, outcomes[i]!));
          if (outcomes.some((o) => !o.ok && o.lost === true)) return;
        }
      }),
    );
    // Batches of workers that never started, and whatever is left once every worker is gone: copied here.
    for (const batch of lost) copyHere(batch, listener, this.trees);
    for (let batch = nextBatch(); batch !== undefined && !listener.shouldStop(); batch = nextBatch()) {
      copyHere(batch, listener, this.trees);
      await yieldToEvents();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => closeWorker(worker)));
  }
}

/** Asks a worker to close its descriptors, then ends it (at once if it is gone or does not answer in time). */
function closeWorker(worker: Worker): Promise<number> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    worker.on('message', (reply: { closed?: true }) => {
      if (reply.closed === true) done();
    });
    worker.once('exit', done);
    worker.once('error', done);
    worker.postMessage({ close: true });
  }).then(() => worker.terminate());
}

/**
 * Up to this many copies in a run, small files go through the addon in this thread; more, and worker threads copy
 * them all. Workers cost a fixed start (their isolates, their compiles) and then copy in parallel, renames
 * included, where this thread renames one file at a time: the addon's way costs less CPU for the few thousand files
 * of an incremental run, more CPU and more time for a first mirror of a large tree. The benchmark's runs put the
 * crossing past this count (the commit that set it has the numbers).
 */
export const NATIVE_COPIES_UP_TO = 10_000;

/** Small files copied at once on libuv's pool (4 threads unless UV_THREADPOOL_SIZE says otherwise). */
const NATIVE_IN_FLIGHT = 4;

/**
 * Where the addon is loaded: small files through its copyFileAsync, several at a time, in this thread; the large
 * ones afterwards in a worker pool as before (their bytes are told as they go, and their copy loop is
 * copy-file.ts's). Only the large files' jobs are held meanwhile: each stands for more than SMALL_FILE bytes.
 */
class NativeSmallFilesPool implements CopyPool {
  private readonly pools: CopyPool[] = [];

  constructor(
    private readonly trees: CopyTrees,
    private readonly copy: CopyFileAsync,
  ) {}

  async run<T>(source: CopySource<T>, listener: CopyListener<T>): Promise<void> {
    const iterator = source.items[Symbol.iterator]();
    const large: Array<{ readonly item: T; readonly job: CopyJob }> = [];
    const nextSmall = (): { item: T; job: CopyJob } | undefined => {
      while (!listener.shouldStop()) {
        const next = iterator.next();
        if (next.done) return undefined;
        const job = source.jobOf(next.value);
        if (job === undefined) continue;
        if (job.size <= SMALL_FILE) return { item: next.value, job };
        large.push({ item: next.value, job });
      }
      return undefined;
    };
    const lane = async (): Promise<void> => {
      for (let work = nextSmall(); work !== undefined; work = nextSmall()) {
        // A file with holes comes back undefined: copied here, holes kept.
        const outcome = (await copySmallNative(work.job, this.trees, this.copy)) ?? copyFileAtomicSync(work.job, this.trees);
        listener.done(work.item, outcome);
      }
    };
    await Promise.all(Array.from({ length: NATIVE_IN_FLIGHT }, lane));
    if (large.length === 0 || listener.shouldStop()) return;
    const pool = createThreadPool(large.length, this.trees, WORKER_URL);
    this.pools.push(pool);
    await pool.run(
      { items: large, jobOf: (entry) => entry.job },
      {
        done: (entry, outcome) => listener.done(entry.item, outcome),
        ...(listener.bytes === undefined ? {} : { bytes: (entry: { readonly item: T; readonly job: CopyJob }, bytesSoFar: number) => listener.bytes!(entry.item, bytesSoFar) }),
        shouldStop: () => listener.shouldStop(),
      },
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.pools.splice(0).map((pool) => pool.close()));
  }
}

/** Worker threads, or this thread for a few jobs or where the worker script is not built. */
function createThreadPool(jobCount: number, trees: CopyTrees, script: URL): CopyPool {
  if (jobCount < 8 || (script === WORKER_URL && !workerAvailable())) return new InThreadPool(trees);
  const size = Math.min(4, Math.max(2, os.availableParallelism()), Math.ceil(jobCount / BATCH_FILES));
  return new WorkerPool(size, script, trees);
}

/**
 * A pool sized for the machine: copying is mostly waiting on the disks, so a few more workers than cores. `script`
 * replaces the worker script (tests give one that dies; the pool then uses workers for every file).
 */
export function createCopyPool(jobCount: number, trees: CopyTrees, script: URL = WORKER_URL): CopyPool {
  const copy = trees.replica.ops.copyFileAsync;
  const few = jobCount <= NATIVE_COPIES_UP_TO;
  if (few && script === WORKER_URL && copy !== undefined && trees.source.ops.copyFileAsync !== undefined) return new NativeSmallFilesPool(trees, copy);
  return createThreadPool(jobCount, trees, script);
}
