/** Worker thread body: scans one tree and posts the packed result (see scan-parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExcludeMatcher } from './exclude.js';
import { scanTreePacked } from './packed.js';

interface Job {
  readonly root: string;
  readonly excludes: readonly string[];
}

/** Loads the glob matcher (picomatch, several modules to compile) only for a job that has excludes. */
async function matcherFor(excludes: readonly string[]): Promise<ExcludeMatcher | undefined> {
  if (excludes.length === 0) return undefined;
  const { createExcludeMatcher } = await import('./exclude.js');
  return createExcludeMatcher(excludes);
}

const job = workerData as Job;
try {
  const packed = scanTreePacked(job.root, await matcherFor(job.excludes));
  parentPort!.postMessage({ ok: true, packed }, [packed.numbers.buffer as ArrayBuffer, packed.small.buffer as ArrayBuffer]);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error), code });
}
