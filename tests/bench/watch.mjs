// What "Watch for changes" costs the process that drives the tray (issue 16, item 7), on a tree of 100,000 files in
// 2,000 folders: inotify watches, memory added, and the longest event-loop block while the watcher starts and while
// 10,000 files change. It hosts the built watcher (dist/main/runner/watch.js) as the tray does and measures from
// inside, with nothing else running here: the tree is written and changed by child processes, so their work never
// counts as a block of this loop. Prints each measure against its target and exits 1 when one is missed.
//   node tests/bench/watch.mjs [--files 100000] [--folders 2000] [--changes 10000] [--dir DIR] [--chokidar-default]
// --chokidar-default measures chokidar as configured before (a watch per entry, in this thread), for comparison.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { watch } from 'chokidar';
import { bundleForNode } from '../../build/node-bundle.mjs';
import { inotifyWatches } from '../helpers/inotify.mjs';

const MIB = 1024 * 1024;
export const TARGETS = { watchesOverFolders: 100, addedMiB: 50, blockMs: 50 };

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '100000' },
    folders: { type: 'string', default: '2000' },
    changes: { type: 'string', default: '10000' },
    dir: { type: 'string' },
    'chokidar-default': { type: 'boolean', default: false },
  },
});
const files = Number(values.files);
const folders = Number(values.folders);
const changes = Number(values.changes);

/**
 * Runs `body` (a function's source, given `root`, `folders`, `files`, `changes`) in a child Node process, so that
 * its file-system calls never block this event loop; resolves when it has ended.
 */
async function inChild(body, root) {
  const script = `const fs = require('node:fs'); const path = require('node:path'); (${body})(${JSON.stringify(root)}, ${folders}, ${files}, ${changes});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'inherit' });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the tree helper failed (exit ${code})`);
}

// Folders: a fiftieth at the top, the rest one level below them; files spread evenly over all of them.
const folderOf = String.raw`(root, folders, i) => {
  const top = Math.max(1, Math.round(folders / 50));
  return i < top ? path.join(root, 'top' + i) : path.join(root, 'top' + (i % top), 'sub' + i);
}`;
const writeTree = `(root, folders, files) => {
  const folderOf = ${folderOf};
  for (let i = 0; i < folders; i += 1) fs.mkdirSync(folderOf(root, folders, i));
  for (let i = 0; i < files; i += 1) fs.writeFileSync(path.join(folderOf(root, folders, i % folders), 'file' + i + '.txt'), 'file ' + i);
}`;
// Every changes/files-th file rewritten in place, spread over the whole tree.
const changeFiles = `(root, folders, files, changes) => {
  const folderOf = ${folderOf};
  const step = Math.max(1, Math.floor(files / changes));
  for (let n = 0, i = 0; n < changes; n += 1, i = (i + step) % files) fs.appendFileSync(path.join(folderOf(root, folders, i % folders), 'file' + i + '.txt'), ' changed');
}`;

/** Samples RSS every 20 ms while `during` runs; returns the highest seen. */
async function peakRss(during) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage.rss());
}

/** The longest event-loop block (ms) while `during` runs. */
async function longestBlock(during) {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  try {
    await during();
  } finally {
    histogram.disable();
  }
  // The histogram counts delay beyond the sampling timer's own period, in nanoseconds.
  return histogram.max / 1e6;
}

/**
 * The watcher bundled as build/bundle.mjs bundles it into the app (the module and, beside it, its worker script),
 * so the worker loads what ships, not tsc's per-module output with the whole engine behind the engine's index.
 */
async function bundleWatcher(outdir) {
  await bundleForNode({ entryPoints: ['main/runner/watch.ts', 'main/runner/watch-worker.ts'], outdir });
  return import(pathToFileURL(join(outdir, 'watch.js')).href);
}

async function startWatcher(watchForChanges, root, onChange, onError) {
  if (values['chokidar-default']) {
    const watcher = watch(root, { ignoreInitial: true, followSymlinks: false, ignorePermissionErrors: true });
    watcher.on('all', onChange);
    watcher.on('error', onError);
    await new Promise((resolve) => watcher.once('ready', resolve));
    return () => watcher.close();
  }
  const watcher = watchForChanges({ root, quietMs: 500, onPending: onChange, onQuiet: () => {}, onError });
  await watcher.ready;
  return () => watcher.close();
}

const work = mkdtempSync(join(values.dir ?? tmpdir(), 'folder-sync-watch-'));
const root = join(work, 'src');
let failed = false;
try {
  // Loaded before the baseline: the tray has its code loaded long before a watcher starts.
  const { watchForChanges } = await bundleWatcher(join(work, 'bundle'));
  console.log(`writing ${files} files in ${folders} folders…`);
  mkdirSync(root);
  await inChild(writeTree, root);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const baseRss = process.memoryUsage.rss();
  const baseWatches = inotifyWatches();
  let notices = 0;
  const errors = [];
  let close = async () => {};

  let startMs = 0;
  let startPeak = 0;
  const startBlock = await longestBlock(async () => {
    startPeak = await peakRss(async () => {
      const started = performance.now();
      close = await startWatcher(watchForChanges, root, () => (notices += 1), (error) => errors.push(error));
      startMs = performance.now() - started;
    });
  });
  const watches = inotifyWatches() - baseWatches;

  let changePeak = 0;
  let changeMs = 0;
  const changeBlock = await longestBlock(async () => {
    changePeak = await peakRss(async () => {
      const started = performance.now();
      await inChild(changeFiles, root);
      changeMs = performance.now() - started;
      // The watcher's handling of the burst trails the writes by a little: keep measuring past it.
      await new Promise((resolve) => setTimeout(resolve, 1500));
    });
  });
  await close();
  // The same measure with nothing going on here, as long as the start took: what the machine's other load alone
  // does to this loop.
  const idleBlock = await longestBlock(() => new Promise((resolve) => setTimeout(resolve, startMs)));

  const addedStart = (startPeak - baseRss) / MIB;
  const addedChange = (changePeak - baseRss) / MIB;
  const rows = [
    [`inotify watches (${folders} folders)`, `${watches}`, `<= ${folders + TARGETS.watchesOverFolders}`, watches <= folders + TARGETS.watchesOverFolders],
    ['memory added while starting (peak RSS)', `${addedStart.toFixed(1)} MiB`, `<= ${TARGETS.addedMiB} MiB`, addedStart <= TARGETS.addedMiB],
    [`memory added while ${changes} files change (peak RSS)`, `${addedChange.toFixed(1)} MiB`, `<= ${TARGETS.addedMiB} MiB`, addedChange <= TARGETS.addedMiB],
    [`longest event-loop block while starting (${(startMs / 1000).toFixed(2)} s to ready)`, `${startBlock.toFixed(1)} ms`, `<= ${TARGETS.blockMs} ms`, startBlock <= TARGETS.blockMs],
    [`longest event-loop block while ${changes} files change (${(changeMs / 1000).toFixed(2)} s)`, `${changeBlock.toFixed(1)} ms`, `<= ${TARGETS.blockMs} ms`, changeBlock <= TARGETS.blockMs],
    ['the changes were noticed, with no watcher error', `${notices > 0 ? 'yes' : 'no'}, ${errors.length} errors`, 'yes, 0 errors', notices > 0 && errors.length === 0],
  ];
  const load = loadavg().map((l) => l.toFixed(2)).join(', ');
  console.log(`\nload average ${load} on ${availableParallelism()} CPUs; the longest block of this loop with no watcher, over as long as the start took: ${idleBlock.toFixed(1)} ms`);
  console.log(`${values['chokidar-default'] ? 'chokidar as configured before (a watch per entry, in this thread)' : 'the watcher as the tray runs it'}: ${files} files in ${folders} folders`);
  for (const [what, measured, target, pass] of rows) {
    console.log(`${pass ? 'pass' : 'FAIL'}  ${what}: ${measured} (target ${target})`);
    if (!pass) failed = true;
  }
  for (const error of errors.slice(0, 3)) console.log(`      watcher error: ${error.message}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
