#!/usr/bin/env node
/**
 * Bundles what ships: the command line (`folder-sync`, package.json "bin") into dist/cli/, and the Electron main
 * process (package.json "main") into dist/app/, each beside its own copies of the worker scripts the engine and the
 * watcher start (each looks for its script beside itself: `new URL('./scan-worker.js', import.meta.url)`).
 *
 * Why bundles: loading ~50 modules one by one (resolve, read, compile) and electron-log's CommonJS tree cost the
 * command ~80 ms of CPU at every start, which a run that changed nothing spends alongside its scans. And with its
 * dependencies inside the bundles, neither the npm package nor the packaged app needs a node_modules: the package
 * declares as dependencies only what its install script needs (node-api-headers, for the native addon).
 * dist/main/ (tsc's output) stays for the tests and the man page generator; nothing ships it.
 */
import { bundleForNode } from './node-bundle.mjs';

const WORKERS = [
  'main/engine/scan/scan-worker.ts',
  'main/engine/execute/copy-worker.ts',
  'main/engine/run/sync-worker.ts',
  'main/runner/watch-worker.ts',
];

// The command line's entry holds only what starts the scans (main/cli.ts); the rest of the command is a chunk its
// dynamic import loads while they run. The workers stay one file each, built apart so they share no chunk with it.
await bundleForNode({ entryPoints: ['main/cli.ts'], outdir: 'dist/cli', splitting: true, requireBuiltins: true });
await bundleForNode({ entryPoints: WORKERS, outdir: 'dist/cli' });
// Electron provides `electron` itself; everything else goes in.
await bundleForNode({ entryPoints: ['main/index.ts', ...WORKERS], outdir: 'dist/app', external: ['electron'] });
