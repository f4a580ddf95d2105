/**
 * Copies files in a few worker threads, in small batches: the event loop of the process hosting the engine
 * stays free, and syscalls run back to back without thread-pool round trips. Where the worker script is not
 * built (tests running from sources) the same code runs in this thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { copyFileAtomicSync, type CopyJob, type CopyOutcome } from './copy-file.js';

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

export interface CopyPool {
  /** Copies the items' jobs; `onDone` is called for each as it completes. */
  run<T>(source: CopySource<T>, onDone: (item: T, outcome: CopyOutcome) => void, shouldStop: () => boolean): Promise<void>;
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

class InThreadPool implements CopyPool {
  async run<T>(source: CopySource<T>, onDone: (item: T, outcome: CopyOutcome) => void, shouldStop: () => boolean): Promise<void> {
    const nextBatch = batcher(source);
    for (let batch = nextBatch(); batch !== undefined; batch = nextBatch()) {
      if (shouldStop()) return;
      batch.jobs.forEach((job, i) => onDone(batch.items[i]!, copyFileAtomicSync(job)));
      await yieldToEvents(); // let events and signals through between batches
    }
  }

  async close(): Promise<void> {}
}

class WorkerPool implements CopyPool {
  private readonly workers: Worker[];
  private nextId = 0;

  constructor(size: number) {
    // Copy workers keep little alive: a small young generation keeps their memory small.
    this.workers = Array.from({ length: size }, () => new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
  }

  private send(worker: Worker, jobs: CopyJob[]): Promise<CopyOutcome[]> {
    const id = (this.nextId += 1);
    return new Promise((resolve, reject) => {
      const onMessage = (reply: { id: number; outcomes: CopyOutcome[] }): void => {
        if (reply.id !== id) return;
        cleanup();
        resolve(reply.outcomes);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ id, jobs });
    });
  }

  async run<T>(source: CopySource<T>, onDone: (item: T, outcome: CopyOutcome) => void, shouldStop: () => boolean): Promise<void> {
    const nextBatch = batcher(source);
    await Promise.all(
      this.workers.map(async (worker) => {
        while (!shouldStop()) {
          const batch = nextBatch();
          if (batch === undefined) return;
          // A worker that cannot run (it failed to start) hands its batch back to this thread.
          const outcomes = await this.send(worker, batch.jobs).catch(() => batch.jobs.map(copyFileAtomicSync));
          batch.items.forEach((item, i) => onDone(item, outcomes[i]!));
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** A pool sized for the machine: copying is mostly waiting on the disks, so a few more workers than cores. */
export function createCopyPool(jobCount: number): CopyPool {
  if (jobCount < 8 || !workerAvailable()) return new InThreadPool();
  const size = Math.min(4, Math.max(2, os.availableParallelism()), Math.ceil(jobCount / BATCH_FILES));
  return new WorkerPool(size);
}
