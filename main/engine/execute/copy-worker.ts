/** Copy worker thread: runs batches of copy jobs with synchronous syscalls and answers with their outcomes. */
import { parentPort } from 'node:worker_threads';
import { copyFileAtomicSync, type CopyJob } from './copy-file.js';

parentPort!.on('message', (batch: { id: number; jobs: CopyJob[] }) => {
  parentPort!.postMessage({ id: batch.id, outcomes: batch.jobs.map(copyFileAtomicSync) });
});
