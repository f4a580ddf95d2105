/**
 * Scans trees off the main thread, each in its own worker, at the same time: the source and the replica are
 * usually on different disks, and the event loop of the process hosting the engine (the tray) stays free.
 * Falls back to scanning in this thread where the worker script is not built (tests running from sources).
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExcludeMatcher } from './exclude.js';
import { scanTreePacked, type PackedScan } from './packed.js';
import { tableScan, type TableScan } from './packed.js';

const WORKER_URL = new URL('./scan-worker.js', import.meta.url);

type Reply = { ok: true; packed: PackedScan } | { ok: false; message: string; code?: string };

function workerAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_URL));
}

function scanInWorker(root: string, excludes: readonly string[]): Promise<TableScan> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, { workerData: { root, excludes }, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
    let settled = false;
    worker.once('message', (reply: Reply) => {
      settled = true;
      if (reply.ok) resolve(tableScan(reply.packed));
      else reject(Object.assign(new Error(reply.message), { code: reply.code, fromScan: true }));
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the scan worker stopped (exit code ${code})`));
    });
  });
}

/**
 * Scans in this thread. The glob matcher (picomatch) is loaded only for a scan that has excludes; without them the
 * scan is done by the time this returns.
 */
async function scanHere(root: string, excludes: readonly string[]): Promise<TableScan> {
  let matcher: ExcludeMatcher | undefined;
  if (excludes.length > 0) matcher = (await import('./exclude.js')).createExcludeMatcher(excludes);
  return tableScan(scanTreePacked(root, matcher));
}

/** Scans one tree (a byte-string absolute path), in a worker where one is available; says how long it took. */
export async function scanOne(root: string, excludes: readonly string[] = [], small = false): Promise<TableScan> {
  const startedAt = performance.now();
  const scan = await scanAnywhere(root, excludes, small);
  return { ...scan, durationMs: performance.now() - startedAt };
}

async function scanAnywhere(root: string, excludes: readonly string[], small: boolean): Promise<TableScan> {
  const inThisThread = (): Promise<TableScan> => scanHere(root, excludes);
  // A small tree scans in a few milliseconds: less than starting a worker takes.
  if (small || !workerAvailable()) return inThisThread();
  // A worker that cannot start (a packaged app whose loader cannot reach the script) must not stop the run.
  return scanInWorker(root, excludes).catch((error: unknown) => {
    if ((error as { fromScan?: boolean }).fromScan) throw error; // the scan itself failed: a real answer
    return inThisThread();
  });
}

/**
 * Scans started before the run that uses them, each taken at most once: the command line starts them while it
 * loads the rest of itself (cli/scan-ahead.ts). A run takes one only for the same root and excludes.
 */
export class ScansAhead {
  private readonly scans = new Map<string, Promise<TableScan>>();

  private static key(root: string, excludes: readonly string[]): string {
    return [root, ...excludes].join('\0');
  }

  start(root: string, excludes: readonly string[], small: boolean): void {
    const scan = scanOne(root, excludes, small);
    scan.catch(() => undefined); // a run that never takes it must not see an unhandled rejection
    this.scans.set(ScansAhead.key(root, excludes), scan);
  }

  take(root: string, excludes: readonly string[] = []): Promise<TableScan> | undefined {
    const key = ScansAhead.key(root, excludes);
    const scan = this.scans.get(key);
    this.scans.delete(key);
    return scan;
  }
}
