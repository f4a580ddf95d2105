/**
 * A copy worker that copies its first batch and dies on its second, as a worker killed mid-run would: the pool
 * must neither hang nor lose track of what was not copied (tests/engine/execute/copy-pool.test.ts).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const here = path.dirname(fileURLToPath(import.meta.url));
const { copyFileAtomicSync } = await import(pathToFileURL(path.join(here, '../../dist/main/engine/execute/copy-file.js')).href);
let batches = 0;
parentPort.on('message', (batch) => {
  batches += 1;
  if (batches === 2) process.exit(7);
  parentPort.postMessage({ id: batch.id, outcomes: batch.jobs.map((job) => copyFileAtomicSync(job)) });
});
