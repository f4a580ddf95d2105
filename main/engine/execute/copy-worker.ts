/** Copy worker thread: runs batches of copy jobs with synchronous syscalls and answers with their outcomes. */
import { parentPort } from 'node:worker_threads';
import { copyFileAtomicSync, type CopyJob } from './copy-file.js';

/** How often the bytes copied inside a large file are told: often enough for a progress bar, rarely enough to cost nothing. */
const BYTES_EVERY_MS = 200;

parentPort!.on('message', (batch: { id: number; jobs: CopyJob[] }) => {
  let toldAt = 0; // the first chunk of a large file is told at once
  const outcomes = batch.jobs.map((job, index) =>
    copyFileAtomicSync(job, (bytes) => {
      const now = Date.now();
      if (now - toldAt < BYTES_EVERY_MS) return;
      toldAt = now;
      parentPort!.postMessage({ id: batch.id, index, bytes });
    }),
  );
  parentPort!.postMessage({ id: batch.id, outcomes });
});
