/**
 * Copy worker thread: runs batches of copy jobs with synchronous syscalls and answers with their outcomes. It acts
 * through the run's own root descriptors (process-wide, so valid in this thread), in trees of its own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Tree } from '../fs/tree.js';
import { copyFileAtomicSync, type CopyJob, type CopyTrees } from './copy-file.js';
import type { CopyRoots } from './copy-pool.js';
import { RunTrash } from './trash.js';

/** How often the bytes copied inside a large file are told: often enough for a progress bar, rarely enough to cost nothing. */
const BYTES_EVERY_MS = 200;

const roots = workerData as CopyRoots;
const trees: CopyTrees = {
  source: Tree.borrow(roots.source),
  replica: Tree.borrow(roots.replica),
  ...(roots.trash ? { trash: new RunTrash(Tree.borrow(roots.trash.fd), roots.trash.folder) } : {}),
};

type Message = { id: number; jobs: CopyJob[] } | { close: true };

parentPort!.on('message', (message: Message) => {
  if ('close' in message) {
    // Descriptors are the process's, not the thread's: they outlive a terminated worker unless closed here.
    for (const tree of [trees.source, trees.replica, trees.trash?.tree]) tree?.close();
    parentPort!.postMessage({ closed: true });
    return;
  }
  const batch = message;
  let toldAt = 0; // the first chunk of a large file is told at once
  const outcomes = batch.jobs.map((job, index) =>
    copyFileAtomicSync(job, trees, (bytes) => {
      const now = Date.now();
      if (now - toldAt < BYTES_EVERY_MS) return;
      toldAt = now;
      parentPort!.postMessage({ id: batch.id, index, bytes });
    }),
  );
  parentPort!.postMessage({ id: batch.id, outcomes });
});
