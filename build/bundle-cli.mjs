#!/usr/bin/env node
/**
 * Bundles the command line (`folder-sync`, package.json "bin") into dist/cli/: one file for the command and one per
 * worker script it starts, beside it where the engine looks for them (`new URL('./scan-worker.js',
 * import.meta.url)`). Loading ~50 modules one by one (resolve, read, compile) and electron-log's CommonJS tree cost
 * the command ~80 ms of CPU at every start, which a run that changed nothing spends alongside its scans; one
 * bundle costs a fraction of that. The Electron app keeps loading dist/main/ as tsc builds it.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  absWorkingDir: root,
  entryPoints: ['main/cli.ts', 'main/engine/scan/scan-worker.ts', 'main/engine/execute/copy-worker.ts', 'main/engine/run/sync-worker.ts'],
  outdir: 'dist/cli',
  entryNames: '[name]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // electron-log and picomatch are CommonJS and require Node's modules: give the ES module bundle a require.
  banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
  logLevel: 'warning',
});
