/**
 * Which backend loads, and that the addon is what it claims: built by `npm install` where a compiler exists,
 * found from the built engine, refused when broken (silently, unless FOLDER_SYNC_NATIVE=1), and usable from
 * several threads at once (context-aware).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { describeBackend, loadAtOps } from '../../../main/engine/fs/at.js';
import { findAddon, loadNativeAddon } from '../../../main/engine/fs/native-addon.js';
import { tempDir } from '../../helpers/tree.js';
import { compilerMissing } from './backends.js';

const ADDON = path.resolve('native/build/folder_sync.node');
const BUILT_AT = path.resolve('dist/main/engine/fs/at.js');

let scratch: string | undefined;
afterEach(() => {
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
});

describe('loading the native addon', () => {
  it('follows FOLDER_SYNC_NATIVE in this process', () => {
    const wanted = process.env.FOLDER_SYNC_NATIVE;
    if (wanted === '1') expect(loadAtOps().backend).toBe('native');
    if (wanted === '0') expect(loadAtOps().backend).toBe('proc');
    expect(describeBackend()).toBe(loadAtOps().backend === 'native' ? 'native (C addon)' : 'built-in JavaScript (/proc/self/fd)');
  });

  it.skipIf(compilerMissing() !== undefined)('was built by the install, and the built engine loads it under FOLDER_SYNC_NATIVE=1', () => {
    expect(fs.existsSync(ADDON), `${ADDON} is missing: npm install (build/build-native.mjs) builds it`).toBe(true);
    expect(fs.existsSync(BUILT_AT), `${BUILT_AT} is missing: run "npm run build" first (npm test does)`).toBe(true);
    const script = `import('${BUILT_AT}').then((m) => console.log(m.describeBackend()))`;
    const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, FOLDER_SYNC_NATIVE: '1', FOLDER_SYNC_NATIVE_PATH: '' }, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('native (C addon)');
    // The CLI bundle and the tsc output both sit below the package folder, where the search starts.
    expect(findAddon(path.resolve('dist/cli'))).toBe(ADDON);
    expect(findAddon(path.dirname(BUILT_AT))).toBe(ADDON);
  });

  it('FOLDER_SYNC_NATIVE=0 never loads it; a broken file is passed over quietly, but is an error under FOLDER_SYNC_NATIVE=1', () => {
    expect(loadNativeAddon({ FOLDER_SYNC_NATIVE: '0' })).toBeUndefined();
    const dir = tempDir('at-broken-');
    scratch = dir;
    const broken = path.join(dir, 'folder_sync.node');
    fs.writeFileSync(broken, 'not a shared object');
    expect(loadNativeAddon({ FOLDER_SYNC_NATIVE_PATH: broken })).toBeUndefined();
    expect(() => loadNativeAddon({ FOLDER_SYNC_NATIVE: '1', FOLDER_SYNC_NATIVE_PATH: broken })).toThrow(/FOLDER_SYNC_NATIVE=1.*did not load/);
    expect(() => loadNativeAddon({ FOLDER_SYNC_NATIVE: '1', FOLDER_SYNC_NATIVE_PATH: path.join(dir, 'missing.node') })).toThrow(/did not load/);
  });

  it.skipIf(!fs.existsSync(ADDON))('loads in several worker threads at once, each with its own instance', async () => {
    const dir = tempDir('at-workers-');
    scratch = dir;
    for (let i = 0; i < 50; i += 1) fs.writeFileSync(path.join(dir, `f${i}`), String(i));
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.addon);
      const fd = addon.openRoot(workerData.dir);
      const out = new Float64Array(11);
      let size = 0;
      for (let round = 0; round < 20; round += 1) for (const name of addon.readDir(fd).split('\\0')) if (addon.statAt(fd, name, out)) size += out[1];
      const scan = addon.scanSync(fd, '.~folder-sync.', false, undefined);
      addon.close(fd);
      parentPort.postMessage({ size, count: scan.count });`;
    const run = (): Promise<{ size: number; count: number }> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(code, { eval: true, workerData: { addon: ADDON, dir } });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    const results = await Promise.all([run(), run(), run()]);
    const expected = 20 * Array.from({ length: 50 }, (_, i) => String(i).length).reduce((a, b) => a + b, 0);
    expect(results).toEqual([0, 1, 2].map(() => ({ size: expected, count: 50 })));
  });
});
