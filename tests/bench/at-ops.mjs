#!/usr/bin/env node
/**
 * Micro-benchmark of main/engine/fs/ (not part of `npm test` or `npm run bench`); run it after `npm run build`:
 *
 *   node tests/bench/at-ops.mjs                       # 100,000-entry tree, 10,000 of each operation, 5 repeats
 *   node tests/bench/at-ops.mjs --entries 20000 --ops 2000 --repeats 3 --dir /mnt/ssd
 *
 * Scan: the native scanner (scanSync, and scanAsync alone and on two trees at once, as a run scans its source and
 * replica) against scanTreePacked, on trees built in a fresh folder under --dir (default the OS temp folder),
 * warm cache, interleaved, medians. The load average is printed: on a busy machine, two scans cannot overlap. Operations:
 * `--ops` statAt, mkdirAt, openAt+close, renameAt and unlinkAt through the native backend, the /proc one, and
 * plain path-based fs calls (what the engine does today), each in a folder of its own; medians of the repeats.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ENGINE = path.resolve(HERE, '../../dist/main/engine');
const { loadNativeAddon } = await import(path.join(ENGINE, 'fs/native-addon.js'));
const { nativeAtOps } = await import(path.join(ENGINE, 'fs/at-native.js'));
const { procAtOps } = await import(path.join(ENGINE, 'fs/at-proc.js'));
const { scanTreePacked } = await import(path.join(ENGINE, 'scan/packed.js'));
const { RESERVED_PREFIX } = await import(path.join(ENGINE, 'fs/paths.js'));

function parseArgs(argv) {
  const args = { entries: '100000', ops: '10000', repeats: '5', dir: os.tmpdir() };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) || argv[i + 1] === undefined) throw new Error(`usage: node tests/bench/at-ops.mjs [--entries N] [--ops N] [--repeats N] [--dir PATH]; bad ${argv[i]}`);
    args[key] = argv[i + 1];
  }
  return { entries: Number(args.entries), ops: Number(args.ops), repeats: Number(args.repeats), dir: args.dir };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** About 100 entries a folder, two levels deep: files of 0-4 KiB, a symlink every 500 entries. */
function buildTree(root, entries) {
  let made = 0;
  for (let top = 0; made < entries; top += 1) {
    const topDir = path.join(root, `t${top}`);
    fs.mkdirSync(topDir);
    made += 1;
    for (let sub = 0; sub < 10 && made < entries; sub += 1) {
      const dir = path.join(topDir, `s${sub}`);
      fs.mkdirSync(dir);
      made += 1;
      for (let f = 0; f < 100 && made < entries; f += 1, made += 1) {
        if (made % 500 === 0) fs.symlinkSync(`f${f - 1}`, path.join(dir, `l${f}`));
        else fs.writeFileSync(path.join(dir, `f${f}`), Buffer.alloc((made * 37) % 4096));
      }
    }
  }
  return made;
}

function time(fn) {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function timeAsync(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function benchScan(ops, root, second, repeats) {
  const fd = ops.openRoot(root);
  const secondFd = ops.openRoot(second);
  const options = { reservedPrefix: RESERVED_PREFIX };
  const runs = { packed: [], nativeSync: [], nativeAsync: [], twoAsync: [] };
  let count = 0;
  scanTreePacked(root); // warm the cache and the JIT alike
  ops.scanSync(fd, options);
  for (let i = 0; i < repeats; i += 1) {
    runs.packed.push(time(() => (count = scanTreePacked(root).count)));
    runs.nativeSync.push(time(() => ops.scanSync(fd, options)));
    runs.nativeAsync.push(await timeAsync(() => ops.scanAsync(fd, options)));
    runs.twoAsync.push(await timeAsync(() => Promise.all([ops.scanAsync(fd, options), ops.scanAsync(secondFd, options)])));
  }
  ops.close(fd);
  ops.close(secondFd);
  return { count, ...Object.fromEntries(Object.entries(runs).map(([key, values]) => [key, median(values)])) };
}

/** The five operations on names in `dir`: through an AtOps, or (ops undefined) through path-based fs calls. */
function callsIn(ops, dir) {
  const { O_RDONLY } = fs.constants;
  if (ops === undefined) {
    const at = (name) => path.join(dir, name);
    return {
      statAt: (name) => fs.lstatSync(at(name)),
      mkdirAt: (name) => fs.mkdirSync(at(name), 0o755),
      'openAt+close': (name) => fs.closeSync(fs.openSync(at(name), O_RDONLY)),
      renameAt: (from, to) => fs.renameSync(at(from), at(to)),
      unlinkAt: (name) => fs.unlinkSync(at(name)),
      done: () => {},
    };
  }
  const fd = ops.openRoot(dir);
  return {
    statAt: (name) => ops.statAt(fd, name),
    mkdirAt: (name) => ops.mkdirAt(fd, name, 0o755),
    'openAt+close': (name) => ops.close(ops.openAt(fd, name, O_RDONLY)),
    renameAt: (from, to) => ops.renameAt(fd, from, fd, to),
    unlinkAt: (name) => ops.unlinkAt(fd, name),
    done: () => ops.close(fd),
  };
}

/** n of each operation in `dir`, in an order that leaves it as it found it but for the folders made. */
function benchOps(ops, dir, n) {
  for (let i = 0; i < n; i += 1) fs.closeSync(fs.openSync(path.join(dir, `f${i}`), fs.constants.O_CREAT | fs.constants.O_WRONLY));
  const calls = callsIn(ops, dir);
  const each = (fn) => time(() => {
    for (let i = 0; i < n; i += 1) fn(i);
  });
  const result = {
    statAt: each((i) => calls.statAt(`f${i}`)),
    mkdirAt: each((i) => calls.mkdirAt(`m${i}`)),
    'openAt+close': each((i) => calls['openAt+close'](`f${i}`)),
    renameAt: each((i) => calls.renameAt(`f${i}`, `g${i}`)),
    unlinkAt: each((i) => calls.unlinkAt(`g${i}`)),
  };
  calls.done();
  return result;
}

const us = (ms, n) => `${((ms * 1000) / n).toFixed(2)} µs`;

async function main() {
  const { entries, ops: n, repeats, dir } = parseArgs(process.argv.slice(2));
  const addon = loadNativeAddon();
  if (addon === undefined) throw new Error('the native addon did not load: npm install builds it (build/build-native.mjs)');
  const native = nativeAtOps(addon);
  const backends = { native, proc: procAtOps(), 'path fs': undefined };
  const work = fs.mkdtempSync(path.join(dir, 'at-ops-bench-'));
  try {
    const [tree, second] = [path.join(work, 'tree'), path.join(work, 'second')];
    fs.mkdirSync(tree);
    fs.mkdirSync(second);
    const made = buildTree(tree, entries);
    buildTree(second, entries);
    const scan = await benchScan(native, tree, second, repeats);
    console.log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((load) => load.toFixed(2)).join(' ')} at the start of the scans\n`);
    console.log(`## Scan of ${made.toLocaleString('en')} entries (${scan.count.toLocaleString('en')} rows), medians of ${repeats}, warm cache`);
    console.log('| scanner | ms | per entry |\n| --- | ---: | ---: |');
    for (const [name, key] of [['scanTreePacked (JS, lstatSync)', 'packed'], ['native scanSync', 'nativeSync'], ['native scanAsync', 'nativeAsync'], ['native scanAsync of two such trees at once', 'twoAsync']]) {
      console.log(`| ${name} | ${scan[key].toFixed(1)} | ${us(scan[key], scan.count)} |`);
    }
    const timings = {};
    for (const name of Object.keys(backends)) timings[name] = [];
    for (let r = 0; r < repeats; r += 1) {
      for (const [name, ops] of Object.entries(backends)) {
        const folder = path.join(work, `ops-${name.replace(' ', '-')}-${r}`);
        fs.mkdirSync(folder);
        timings[name].push(benchOps(ops, folder, n));
        fs.rmSync(folder, { recursive: true });
      }
    }
    console.log(`\n## ${n.toLocaleString('en')} of each operation, per call, medians of ${repeats}`);
    const names = Object.keys(timings);
    console.log(`| operation | ${names.join(' | ')} |\n| --- |${names.map(() => ' ---: |').join('')}`);
    for (const op of Object.keys(timings.native[0])) {
      console.log(`| ${op} | ${names.map((name) => us(median(timings[name].map((t) => t[op])), n)).join(' | ')} |`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
