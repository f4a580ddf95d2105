/** Worker thread body: scans one tree and posts the packed result (see scan-parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { createExcludeMatcher } from './exclude.js';
import { scanTreePacked } from './scan-codec.js';

interface Job {
  readonly root: string;
  readonly excludes: readonly string[];
}

const job = workerData as Job;
try {
  const packed = scanTreePacked(job.root, createExcludeMatcher(job.excludes));
  parentPort!.postMessage({ ok: true, packed }, [packed.numbers.buffer as ArrayBuffer, packed.small.buffer as ArrayBuffer]);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error), code });
}
