/**
 * `node --import ./tests/fake-electron/register.mjs dist/app/index.js …` runs the real main entry on plain
 * Node with `electron` mapped to the recording fake. The fake is TypeScript, so it is bundled once (by
 * content hash, into the temp folder) to one CommonJS file that both `import` and `require` resolve to, so
 * ES modules and CommonJS callers (electron-log/main and the like) share one instance.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Module, { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSync } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const sources = ['electron.ts', 'remote.ts', 'process-entry.ts'];
const hash = createHash('sha256');
for (const name of sources) hash.update(fs.readFileSync(path.join(here, name)));
const outDir = path.join(os.tmpdir(), `folder-sync-fake-electron-${hash.digest('hex').slice(0, 16)}`);
const outFile = path.join(outDir, 'electron.cjs');

if (!fs.existsSync(outFile)) {
  fs.mkdirSync(outDir, { recursive: true });
  // Several test processes may start at once: each builds its own file and renames it into place.
  const temp = `${outFile}.${process.pid}.tmp`;
  buildSync({ entryPoints: [path.join(here, 'process-entry.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: temp, logLevel: 'warning' });
  fs.renameSync(temp, outFile);
}

register('./hooks.mjs', import.meta.url, { data: { fakeUrl: pathToFileURL(outFile).href } });

// Node 20's module hooks do not reach require(): map it for CommonJS callers too.
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveElectron(request, ...rest) {
  if (request === 'electron') return outFile;
  return originalResolve.call(this, request, ...rest);
};
