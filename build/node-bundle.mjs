/**
 * One esbuild call for every Node bundle: what build/bundle.mjs ships (the command line and the app, each beside its
 * worker scripts) and what the watch benchmark loads (tests/bench/watch.mjs), so the benchmark measures the watcher as
 * it ships.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinsByRequire } from './builtins-by-require.mjs';
import { engineDoorPlugin } from './engine-door.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OWN_SOURCES = path.join(REPO_ROOT, 'main') + path.sep;

/**
 * Our modules under main/ do nothing when imported but define things (none is imported for its side effects alone),
 * so esbuild may leave out a module none of whose exports is used. Without this it keeps every module a barrel
 * (main/engine/index.ts) re-exports that has a top-level call or `new` in it, and the command line's entry would
 * carry most of the engine instead of the few functions that start the scans.
 */
const ownModulesAreSideEffectFree = {
  name: 'own-modules-are-side-effect-free',
  setup(build) {
    build.onResolve({ filter: /^[./]/ }, async (args) => {
      if (args.pluginData === 'resolving' || !args.importer.startsWith(OWN_SOURCES)) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'resolving' });
      if (resolved.errors.length > 0 || !resolved.path.startsWith(OWN_SOURCES)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

/**
 * `entryPoints` relative to the repository; each becomes `outdir/<name>.js`. With `splitting`, code that only a
 * dynamic import reaches goes into chunk files beside them (`<name>-<hash>.js`), loaded when that import runs. With
 * `requireBuiltins`, Node's modules are loaded by require (builtins-by-require.mjs): only for code that replaces no
 * export of theirs, since it reads each named export once (the watcher's thread replaces two, watch-fs-pace.ts).
 */
export async function bundleForNode({ entryPoints, outdir, external = [], splitting = false, requireBuiltins = false }) {
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints,
    outdir,
    entryNames: '[name]',
    splitting,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // electron-log and ignore are CommonJS and require Node's modules: give the ES module bundle a require.
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
    plugins: [
      engineDoorPlugin({ sources: OWN_SOURCES, door: path.join(OWN_SOURCES, 'engine', 'index.ts') }),
      ownModulesAreSideEffectFree,
      ...(requireBuiltins ? [builtinsByRequire] : []),
    ],
    logLevel: 'warning',
  });
}
