#!/usr/bin/env node
/**
 * Builds native/build/folder_sync.node (the C addon of main/engine/fs/) with the system C compiler: the package's
 * `install` script. No node-gyp and no download: Node-API's headers come from the node-api-headers package, and
 * Node-API is ABI-stable, so one build serves Node and Electron alike. Where there is no compiler or it fails,
 * this says so in one line and exits 0: the install goes on, and the engine uses its JavaScript fallback.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sources = path.join(root, 'native/src');
const output = path.join(root, 'native/build/folder_sync.node');

function fallBack(reason) {
  // An older build left in place would make the line below untrue and could be stale: it goes too.
  fs.rmSync(output, { force: true });
  process.stderr.write(`folder-sync: could not build the native file-access module (${reason}); using the slower built-in JavaScript one\n`);
  process.exit(0);
}

/** The compiler's own words, shortened to what fits on the one line: its first error, else its exit. */
function failureOf(result, compiler) {
  if (result.error) return result.error.code === 'ENOENT' ? `no C compiler: ${compiler} not found` : `${compiler}: ${result.error.message}`;
  const firstError = String(result.stderr).split('\n').find((line) => /error/i.test(line));
  return firstError?.trim() ?? `${compiler} exited with ${result.status ?? result.signal}`;
}

function build() {
  if (process.platform !== 'linux') fallBack(`only built on Linux, this is ${process.platform}`);
  let include;
  try {
    include = path.dirname(createRequire(import.meta.url).resolve('node-api-headers/include/node_api.h'));
  } catch {
    fallBack('the node-api-headers package is not installed');
  }
  const compiler = process.env.CC ?? 'cc';
  const files = fs.readdirSync(sources).filter((name) => name.endsWith('.c')).sort().map((name) => `native/src/${name}`);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  // Written beside the target and renamed over it: a failed build never leaves half a module to load.
  const temp = `${output}.tmp-${process.pid}`;
  // Run from the package folder, so an error names native/src/x.c rather than a long absolute path.
  const args = [
    '-O2', '-shared', '-fPIC', '-Wall', '-Wextra', '-std=gnu11',
    // No fused multiply-add: times must round exactly as V8 computes them (stat.h).
    '-ffp-contract=off',
    '-DNODE_GYP_MODULE_NAME=folder_sync', '-DNAPI_VERSION=8',
    '-I', include, '-o', temp, ...files, '-lm',
  ];
  const result = spawnSync(compiler, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error || result.status !== 0) {
    fs.rmSync(temp, { force: true });
    fallBack(failureOf(result, compiler));
  }
  if (result.stderr.trim() !== '') process.stderr.write(result.stderr); // warnings: the build still counts
  fs.renameSync(temp, output);
}

build();
