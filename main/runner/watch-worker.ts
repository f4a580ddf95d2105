/**
 * Worker thread body for watchForChanges: chokidar's initial scan (a stat per entry of the whole tree) and its
 * handling of every inotify report run here, so the host's event loop (the tray's) hears one 'changed' message
 * per burst slice instead of doing that work itself.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { watchFolders } from './folder-watch.js';
import { paceWatcherFileSystem } from './watch-fs-pace.js';
import type { WatchCommand, WatchJob, WatchReport } from './watch-protocol.js';

/** At most one 'changed' message this often while changes keep coming (the host only batches them anyway). */
const REPORT_EVERY_MS = 100;
const WATCHER_NICE = 10;

// Background work: on Linux a thread's nice value is its own, so this lowers only this thread, and the tray's
// thread gets the CPU first when both want it (a laptop's two cores are soon busy).
try {
  os.setPriority(0, WATCHER_NICE);
} catch {
  // Not allowed here (a sandbox): the watcher runs at the app's priority.
}
// Before chokidar does any work: its calls go through the paced functions from the start.
paceWatcherFileSystem();
const port = parentPort!;
const job = workerData as WatchJob;
const post = (report: WatchReport): void => port.postMessage(report);

let holding: NodeJS.Timeout | undefined;
let heldBack = false;

// The first change of a burst goes out at once; later ones are folded into one message per REPORT_EVERY_MS.
function changed(): void {
  if (holding !== undefined) {
    heldBack = true;
    return;
  }
  post({ type: 'changed' });
  holding = setTimeout(() => {
    holding = undefined;
    if (!heldBack) return;
    heldBack = false;
    changed();
  }, REPORT_EVERY_MS);
}

const watch = watchFolders({
  root: job.root,
  excludes: job.excludes,
  onChange: changed,
  onReady: () => post({ type: 'ready' }),
  onError: (error) => {
    const code = (error as NodeJS.ErrnoException).code;
    post({ type: 'error', message: error.message, ...(typeof code === 'string' ? { code } : {}) });
  },
});

port.on('message', (command: WatchCommand) => {
  if (command.type !== 'close') return;
  clearTimeout(holding);
  // Closing chokidar removes every inotify watch; the host ends the thread once this is done.
  void watch.close().finally(() => port.close());
});
