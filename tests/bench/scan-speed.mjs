#!/usr/bin/env node
/**
 * Scan micro-benchmark: the cost of scanning one tree, as a scan worker pays it. Not part of `npm test` or
 * `npm run bench`; run it after `npm run build`:
 *
 *   node tests/bench/scan-speed.mjs --root /path/to/tree                     # built dist, 7 repeats
 *   node tests/bench/scan-speed.mjs --root T --engine old=/tmp/old/engine,new=dist/main/engine --repeats 9
 *   node tests/bench/scan-speed.mjs --root T --mode worker --young 4,8,16,32  # whole worker, young-gen sizes
 *   node tests/bench/scan-speed.mjs --root SRC --root2 REPLICA --mode pair   # two workers at once, as a run
 *
 * Every measurement runs in a fresh process (a warm JIT or heap would flatter the second scan), and the
 * variants are interleaved so that load from other processes on the machine falls on all of them alike.
 * `packed` times scanTreePacked in the main thread; `worker` times a scan worker from `new Worker` to its reply,
 * startup included, as scan-parallel.ts runs it; `pair` starts two such workers at once (`--root` and `--root2`,
 * default the same tree twice), as a run scans its source and replica. CPU is process.cpuUsage (all threads; the main thread only
 * waits meanwhile); peak RSS is the whole child process's. Each child also prints a digest of the result, so variants that disagree are flagged.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** A module of an engine build: the stage-folder layout, or the flat one of older builds (for A/B runs). */
function engineFile(engine, current, flat) {
  const file = path.join(engine, current);
  return fs.existsSync(file) ? file : path.join(engine, flat);
}

const DEFAULT_ENGINE = path.resolve(HERE, '../../dist/main/engine');

function parseArgs(argv) {
  const args = { root: '', root2: '', engine: `dist=${DEFAULT_ENGINE}`, mode: 'packed', repeats: 7, young: '', excludes: '' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) && key !== 'child') throw new Error(`unknown option ${argv[i]}`);
    args[key] = argv[i + 1];
  }
  return args;
}

function digestOf(packed) {
  const hash = createHash('sha256');
  hash.update(packed.paths, 'latin1');
  const count = packed.firstCount ?? packed.count;
  hash.update(new Uint8Array(packed.numbers.buffer, packed.numbers.byteOffset, count * 5 * 8));
  hash.update(new Uint8Array(packed.small.buffer, packed.small.byteOffset, count * 2 * 4));
  hash.update(JSON.stringify([packed.targets, packed.problems, packed.unreadableDirs, packed.reserved]));
  return hash.digest('hex').slice(0, 12);
}


async function child(args) {
  const bytes = (dir) => Buffer.from(path.resolve(dir), 'utf8').toString('latin1');
  const root = bytes(args.root);
  const excludes = args.excludes === '' ? [] : args.excludes.split(',');
  const engine = path.resolve(args.engine);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let packed;
  if (args.child === 'packed') {
    const { scanTreePacked } = await import(pathToFileURL(engineFile(engine, 'scan/packed.js', 'scan-codec.js')).href);
    const { createExcludeMatcher } = await import(pathToFileURL(engineFile(engine, 'scan/exclude.js', 'exclude.js')).href);
    packed = scanTreePacked(root, createExcludeMatcher(excludes));
  } else {
    const { Worker } = await import('node:worker_threads');
    const young = Number(args.young);
    const resourceLimits = young > 0 ? { maxYoungGenerationSizeMb: young } : undefined;
    const scanInWorker = async (tree) => {
      const worker = new Worker(pathToFileURL(engineFile(engine, 'scan/scan-worker.js', 'scan-worker.js')), { workerData: { root: tree, excludes }, resourceLimits });
      const reply = await new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      });
      if (!reply.ok) throw new Error(reply.message);
      await worker.terminate();
      return reply.packed;
    };
    const trees = args.child === 'pair' ? [root, bytes(args.root2 === '' ? args.root : args.root2)] : [root];
    const all = await Promise.all(trees.map(scanInWorker));
    // Per-entry figures cover both trees; the digest is the first tree's.
    packed = { ...all[0], count: all.reduce((sum, one) => sum + one.count, 0), firstCount: all[0].count };
  }
  const wallMs = performance.now() - t0;
  const { user, system } = process.cpuUsage(cpu0);
  const result = { wallMs, cpuMs: (user + system) / 1000, sysMs: system / 1000, rssMb: process.resourceUsage().maxRSS / 1024, count: packed.count, digest: digestOf(packed) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function parent(args) {
  if (args.root === '') throw new Error('--root is required');
  const engines = args.engine.split(',').map((spec) => {
    const [name, dir] = spec.includes('=') ? spec.split('=') : [spec, spec];
    return { name, dir };
  });
  const youngs = args.mode !== 'packed' && args.young !== '' ? args.young.split(',') : [''];
  const variants = engines.flatMap((e) => youngs.map((young) => ({ ...e, young, label: young === '' ? e.name : `${e.name} young=${young}` })));
  const results = new Map(variants.map((v) => [v.label, []]));
  const script = fileURLToPath(import.meta.url);
  for (let r = 0; r < Number(args.repeats); r += 1) {
    // Rotate the order each round so no variant always runs first (or right after the page cache warmed up).
    for (let k = 0; k < variants.length; k += 1) {
      const v = variants[(k + r) % variants.length];
      const childArgs = ['--child', args.mode, '--engine', v.dir, '--root', args.root, '--root2', args.root2, '--young', v.young, '--excludes', args.excludes];
      const run = spawnSync(process.execPath, [script, ...childArgs], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`${v.label}: ${run.stderr}`);
      results.get(v.label).push(JSON.parse(run.stdout));
    }
  }
  const digests = new Set();
  console.log(`mode ${args.mode}, ${args.repeats} repeats, medians (min-max)`);
  for (const [label, runs] of results) {
    const wall = runs.map((run) => run.wallMs);
    const cpu = runs.map((run) => run.cpuMs);
    const sys = runs.map((run) => run.sysMs);
    const rss = runs.map((run) => run.rssMb);
    const per = (ms) => (runs[0].count === 0 ? '-' : ((ms / runs[0].count) * 1e5).toFixed(0));
    for (const run of runs) digests.add(run.digest);
    console.log(
      `${label.padEnd(22)} entries ${runs[0].count}  wall ${median(wall).toFixed(0)} ms (${Math.min(...wall).toFixed(0)}-${Math.max(...wall).toFixed(0)})` +
        `  cpu ${median(cpu).toFixed(0)} ms (${Math.min(...cpu).toFixed(0)}-${Math.max(...cpu).toFixed(0)}, sys ${median(sys).toFixed(0)})` +
        `  per 100k: wall ${per(median(wall))} cpu ${per(median(cpu))}  peak RSS ${median(rss).toFixed(0)} MB  digest ${runs[0].digest}`,
    );
  }
  if (digests.size > 1) console.log('WARNING: the variants disagree (digests differ)');
}

const args = parseArgs(process.argv.slice(2));
if (args.child) await child(args);
else parent(args);
