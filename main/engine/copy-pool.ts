/**
 * Copies files in a few worker threads, in small batches: the event loop of the process hosting the engine
 * stays free, and syscalls run back to back without thread-pool round trips. Where the worker script is not
 * built (tests running from sources) the same code runs in this thread.
 */
import fs from 'node:fs';
import os from 'node:os';
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

export interface CopyPool {
  /** Copies the jobs; `onDone` is called for each as it completes. */
  run(jobs: readonly CopyJob[], onDone: (job: CopyJob, outcome: CopyOutcome) => void, shouldStop: () => boolean): Promise<void>;
  close(): Promise<void>;
}

function batches(jobs: readonly CopyJob[]): CopyJob[][] {
  const out: CopyJob[][] = [];
  let current: CopyJob[] = [];
  let bytes = 0;
  for (const job of jobs) {
    if (current.length > 0 && (current.length >= BATCH_FILES || bytes + job.size > BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(job);
    bytes += job.size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

class InThreadPool implements CopyPool {
  async run(jobs: readonly CopyJob[], onDone: (job: CopyJob, outcome: CopyOutcome) => void, shouldStop: () => boolean): Promise<void> {
    for (const batch of batches(jobs)) {
      if (shouldStop()) return;
      for (const job of batch) onDone(job, copyFileAtomicSync(job));
      await new Promise((resolve) => setImmediate(resolve)); // let events and signals through between batches
    }
  }

  async close(): Promise<void> {}
}

class WorkerPool implements CopyPool {
  private readonly workers: Worker[];
  private nextId = 0;

  constructor(size: number) {
    // Copy workers keep little alive: a small young generation keeps their memory small.
    this.workers = Array.from({ length: size }, () => new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 8 } }));
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

  async run(jobs: readonly CopyJob[], onDone: (job: CopyJob, outcome: CopyOutcome) => void, shouldStop: () => boolean): Promise<void> {
    const queue = batches(jobs);
    let next = 0;
    await Promise.all(
      this.workers.map(async (worker) => {
        while (next < queue.length && !shouldStop()) {
          const batch = queue[next]!;
          next += 1;
          // A worker that cannot run (it failed to start) hands its batch back to this thread.
          const outcomes = await this.send(worker, batch).catch(() => batch.map(copyFileAtomicSync));
          batch.forEach((job, i) => onDone(job, outcomes[i]!));
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
