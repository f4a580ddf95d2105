/**
 * Worker thread body for runSyncInWorker: runs one sync and streams its events back in small batches.
 * An 'abort' message aborts the run through its AbortSignal (between operations, atomically safe).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConfigError, type SyncOptions } from './options.js';
import { runSync } from './sync.js';
import type { SyncEvent } from '../types.js';

type Job = Omit<SyncOptions, 'onEvent' | 'signal'>;

const FLUSH_EVERY_MS = 50;
const FLUSH_EVERY_EVENTS = 500;

const port = parentPort!;
const controller = new AbortController();
port.on('message', (message: { type: string }) => {
  if (message.type === 'abort') controller.abort();
});

let pending: SyncEvent[] = [];
let lastFlush = Date.now();
function flush(): void {
  if (pending.length === 0) return;
  port.postMessage({ type: 'events', events: pending });
  pending = [];
  lastFlush = Date.now();
}

const job = workerData as Job;

function onEvent(event: SyncEvent): void {
  // A real run's plan can hold an action per file: cloning it in one message would hold up the host's event loop,
  // and only a dry run's plan is shown (its summary carries the actions too).
  if (event.type === 'plan' && !job.dryRun) return;
  pending.push(event);
  if (pending.length >= FLUSH_EVERY_EVENTS || Date.now() - lastFlush >= FLUSH_EVERY_MS || event.type !== 'op') flush();
}

runSync({ ...job, onEvent, signal: controller.signal }).then(
  (summary) => {
    flush();
    port.postMessage({ type: 'done', summary });
  },
  (error: unknown) => {
    flush();
    const e = error as Error;
    // The reason crosses too: the caller tells an overlap (refused for safety) from other mistakes by it.
    const reason = error instanceof ConfigError ? error.reason : undefined;
    port.postMessage({ type: 'failed', name: e?.name ?? 'Error', message: e?.message ?? String(error), ...(reason !== undefined ? { reason } : {}) });
  },
);
