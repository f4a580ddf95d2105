/** Worker thread body: scans one tree and posts the packed columns, transferred not copied (see parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { scanColumns } from './packed.js';
import { matcherFor, type ScanJob } from './parallel.js';

const job = workerData as ScanJob;
try {
  const exclude = await matcherFor(job.excludes);
  const packed = scanColumns(job.root, { ...(exclude ? { exclude } : {}), sameDevice: job.sameDevice });
  parentPort!.postMessage({ ok: true, packed }, [packed.paths.buffer as ArrayBuffer, packed.numbers.buffer as ArrayBuffer, packed.small.buffer as ArrayBuffer]);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error), code });
}
