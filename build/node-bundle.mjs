/**
 * One esbuild call for every Node bundle: what build/bundle.mjs ships (the command line and the app, each beside its
 * worker scripts) and what the watch benchmark loads (tests/bench/watch.mjs), so the benchmark measures the watcher as
 * it ships.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `entryPoints` relative to the repository; each becomes `outdir/<name>.js`. */
export async function bundleForNode({ entryPoints, outdir, external = [] }) {
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints,
    outdir,
    entryNames: '[name]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // electron-log and ignore are CommonJS and require Node's modules: give the ES module bundle a require.
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
    logLevel: 'warning',
  });
}
