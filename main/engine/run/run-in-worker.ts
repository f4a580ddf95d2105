/**
 * Runs a sync in a worker thread so that the host's event loop (the tray's main process) is never blocked by
 * planning a large tree. Same contract as runSync: events arrive through onEvent, a ConfigError is rethrown as
 * one, and aborting the signal stops the run between operations. Falls back to running in this thread where
 * the worker script is not built (tests running from sources).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConfigError, type SyncOptions } from './options.js';
import { runSync } from './sync.js';
import type { RunSummary, SyncEvent } from '../types.js';

const WORKER_URL = new URL('./sync-worker.js', import.meta.url);

type Reply =
  | { type: 'events'; events: SyncEvent[] }
  | { type: 'done'; summary: RunSummary }
  | { type: 'failed'; name: string; message: string; reason?: ConfigError['reason'] };

export function runSyncInWorker(options: SyncOptions): Promise<RunSummary> {
  if (WORKER_URL.protocol !== 'file:' || !fs.existsSync(fileURLToPath(WORKER_URL))) return runSync(options);
  const { onEvent, signal, ...job } = options;
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: job });
    const onAbort = (): void => worker.postMessage({ type: 'abort' });
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    let settled = false;
    let heardFrom = false;
    const finish = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
    };
    worker.on('message', (reply: Reply) => {
      heardFrom = true;
      if (reply.type === 'events') {
        for (const event of reply.events) onEvent?.(event);
      } else if (reply.type === 'done') {
        finish();
        resolve(reply.summary);
      } else {
        finish();
        reject(reply.name === 'ConfigError' ? new ConfigError(reply.message, reply.reason) : new Error(reply.message));
      }
    });
    worker.once('error', (error) => {
      if (settled) return;
      finish();
      // A worker that never started (its script unreachable in a package) runs the sync here instead.
      if (!heardFrom) runSync(options).then(resolve, reject);
      else reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the sync worker stopped unexpectedly (exit code ${code})`));
    });
  });
}
