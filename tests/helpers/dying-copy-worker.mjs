/**
 * A copy worker that copies its first batch and dies on its second, as a worker killed mid-run would: the pool
 * must neither hang nor lose track of what was not copied (tests/engine/execute/copy-pool.test.ts).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const here = path.dirname(fileURLToPath(import.meta.url));
const engine = (rel) => import(pathToFileURL(path.join(here, '../../dist/main/engine', rel)).href);
const { copyFileAtomicSync } = await engine('execute/copy-file.js');
const { Tree } = await engine('fs/tree.js');
const trees = { source: Tree.borrow(workerData.source), replica: Tree.borrow(workerData.replica) };
let batches = 0;
parentPort.on('message', (message) => {
  if (message.close) {
    trees.source.close();
    trees.replica.close();
    parentPort.postMessage({ closed: true });
    return;
  }
  batches += 1;
  if (batches === 2) process.exit(7);
  parentPort.postMessage({ id: message.id, outcomes: message.jobs.map((job) => copyFileAtomicSync(job, trees)) });
});
