/**
 * Scans trees at the same time, off the main thread: the source and the replica are usually on different disks,
 * and the event loop of the process hosting the engine (the tray) stays free. Where the native scanner loaded and
 * nothing is excluded, each scan runs on libuv's thread pool (no worker to start); otherwise each in a worker
 * thread, or in this thread for a small tree (a worker costs more to start than it scans) or where the worker
 * script is not built (tests running from sources).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExcludeMatcher } from './exclude.js';
import { scanColumns, scanColumnsAsync, tableScan, type PackedScan, type TableScan } from './packed.js';

const WORKER_URL = new URL('./scan-worker.js', import.meta.url);

export interface ScanRequest {
  readonly excludes: readonly string[];
  /** Walk into no folder on another file system than the root's (they are listed as mount points instead). */
  readonly sameDevice: boolean;
  /** The last run saw a small tree: scan in this thread. */
  readonly smallTree?: boolean;
}

/** What a scan worker is given. */
export interface ScanJob {
  readonly root: string;
  readonly excludes: readonly string[];
  readonly sameDevice: boolean;
}

type Reply = { ok: true; packed: PackedScan } | { ok: false; message: string; code?: string };

function workerAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && fs.existsSync(fileURLToPath(WORKER_URL));
}

/** Loads the exclude matcher (the ignore package, compiled on first use) only for a scan that has excludes. */
export async function matcherFor(excludes: readonly string[]): Promise<ExcludeMatcher | undefined> {
  if (excludes.length === 0) return undefined;
  const { createExcludeMatcher } = await import('./exclude.js');
  return createExcludeMatcher(excludes);
}

function scanInWorker(job: ScanJob): Promise<TableScan> {
  return new Promise((resolve, reject) => {
    // Loaded here, not imported: only the fallback without the native scanner starts a worker, and the command
    // line's scans start before the rest of it has loaded (cli/scan-ahead.ts).
    const { Worker } = process.getBuiltinModule('node:worker_threads');
    const worker = new Worker(WORKER_URL, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
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

/** In this thread; without excludes the scan is done by the time this returns (no matcher to load first). */
function scanHere(job: ScanJob): Promise<TableScan> {
  const scan = (exclude: ExcludeMatcher | undefined): TableScan => tableScan(scanColumns(job.root, { ...(exclude ? { exclude } : {}), sameDevice: job.sameDevice }));
  if (job.excludes.length === 0) {
    try {
      return Promise.resolve(scan(undefined));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return matcherFor(job.excludes).then(scan);
}

/** Scans one tree (a byte-string absolute path); says how long it took. */
export async function scanOne(root: string, request: ScanRequest): Promise<TableScan> {
  // hrtime, not perf_hooks' performance.now(): that module would load before the command line's first scan starts.
  const startedAt = process.hrtime.bigint();
  const scan = await scanAnywhere({ root, excludes: request.excludes, sameDevice: request.sameDevice }, request.smallTree ?? false);
  return { ...scan, durationMs: Number(process.hrtime.bigint() - startedAt) / 1e6 };
}

async function scanAnywhere(job: ScanJob, smallTree: boolean): Promise<TableScan> {
  // A small tree scans in this thread in a few milliseconds, done by the time scanOne returns.
  if (smallTree) return scanHere(job);
  if (job.excludes.length === 0) {
    const pooled = scanColumnsAsync(job.root, { sameDevice: job.sameDevice });
    if (pooled !== undefined) return tableScan(await pooled);
  }
  if (!workerAvailable()) return scanHere(job);
  // A worker that cannot start (a packaged app whose loader cannot reach the script) must not stop the run.
  return scanInWorker(job).catch((error: unknown) => {
    if ((error as { fromScan?: boolean }).fromScan) throw error; // the scan itself failed: a real answer
    return scanHere(job);
  });
}

/**
 * Scans started before the run that uses them, each taken at most once: the command line starts them while it
 * loads the rest of itself (cli/scan-ahead.ts). A run takes one only for the same root and request.
 */
export class ScansAhead {
  private readonly scans = new Map<string, Promise<TableScan>>();

  private static key(root: string, request: ScanRequest): string {
    return [root, String(request.sameDevice), ...request.excludes].join('\0');
  }

  start(root: string, request: ScanRequest): void {
    const scan = scanOne(root, request);
    scan.catch(() => undefined); // a run that never takes it must not see an unhandled rejection
    this.scans.set(ScansAhead.key(root, request), scan);
  }

  take(root: string, request: ScanRequest): Promise<TableScan> | undefined {
    const key = ScansAhead.key(root, request);
    const scan = this.scans.get(key);
    this.scans.delete(key);
    return scan;
  }
}
