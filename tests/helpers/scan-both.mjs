#!/usr/bin/env node
/**
 * Scans a tree with scanTreePacked and with the native scanner, as whichever user runs this, and prints both as
 * JSON (tests/engine/fs/scan-native.test.ts runs it as `nobody`, for whom permission bits count). Then, if a
 * second folder is given: opens it, takes its read permission away, and reports the code each scanner throws.
 * Uses the built engine (dist/).
 */
import fs from 'node:fs';
import { loadAtOps } from '../../dist/main/engine/fs/at.js';
import { scanTreePacked } from '../../dist/main/engine/scan/packed.js';
import { RESERVED_PREFIX } from '../../dist/main/engine/fs/paths.js';

const [root, lockedRoot] = process.argv.slice(2);
const ops = loadAtOps();
// JSON has no bytes: the paths go as the byte string they spell, as plain() in the test makes them.
const plain = (scan) => ({ ...scan, paths: Buffer.from(scan.paths).toString('latin1'), numbers: Array.from(scan.numbers), small: Array.from(scan.small) });
const codeOf = (fn) => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error.code;
  }
};
const nativeScan = (dir) => {
  const fd = ops.openRoot(dir);
  try {
    return ops.scanSync(fd, { reservedPrefix: RESERVED_PREFIX });
  } finally {
    ops.close(fd);
  }
};

const out = { backend: ops.backend, js: plain(scanTreePacked(root)), native: plain(nativeScan(root)) };
if (lockedRoot !== undefined) {
  const fd = ops.openRoot(lockedRoot);
  fs.chmodSync(lockedRoot, 0);
  out.lockedJs = codeOf(() => scanTreePacked(lockedRoot));
  out.lockedNative = codeOf(() => ops.scanSync(fd, { reservedPrefix: RESERVED_PREFIX }));
  ops.close(fd);
  fs.chmodSync(lockedRoot, 0o755);
}
process.stdout.write(JSON.stringify(out));
