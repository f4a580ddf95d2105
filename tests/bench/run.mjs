// `npm run bench`: generates deterministic trees, runs our CLI and the installed peers side by side over the
// scenarios of issue 3, verifies every replica after every scenario, prints a Markdown report, writes JSON.
// Exit code: 0 all replicas verified, 1 a replica mismatch or a tool failure, 2 bad usage.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, USAGE, UsageError } from './args.mjs';
import { BIG_DIR, BIG_DIR_RENAMED, planTree, writeTree } from './generate.mjs';
import { hasGnuTime, measure } from './measure.mjs';
import { incremental, renameBigFiles, renameBigFolder, renamedFile } from './mutate.mjs';
import { measureEventLoop } from './event-loop.mjs';
import { evaluateTargets, fmtBytes, markdown, summarise } from './report.mjs';
import { allTools, SCENARIOS } from './tools.mjs';
import { compareTrees, contentSample, walk } from './verify.mjs';

const log = (text) => console.log(text);
const loud = (text) => console.error(`\n!!!!!!!! ${text}`);
const rmrf = (path) => spawnSync('rm', ['-rf', '--', path], { stdio: 'inherit' });

/**
 * Before every measured command: flush dirty pages, so no tool pays for the write-back of the previous
 * one's copy (with ~1.5 GB per tree that otherwise dominates the initial mirror); optionally drop the cache.
 */
function settle(dropCaches) {
  spawnSync('sync');
  if (dropCaches) writeFileSync('/proc/sys/vm/drop_caches', '3');
}

/** Rough bytes the trees need: every small file takes whole 4 KiB blocks, folders a block each. */
function checkDiskSpace(dir, opts, treeCount) {
  const perTree = opts.files * 6.5 * 1024 + (opts.files / 50) * 4096 + opts.big * opts.bigSizeMiB * 1024 * 1024;
  const need = perTree * treeCount;
  const st = statfsSync(dir);
  const have = st.bavail * st.bsize;
  if (need > have) {
    throw new UsageError(`${dir} has ${fmtBytes(have)} free but ${treeCount} trees of this size need about ${fmtBytes(need)}; choose another --dir or fewer --files.`);
  }
}

/** Inode of every big file in a replica walk, by file name. */
function bigInodes(replica, folder) {
  const inodes = new Map();
  for (const [path, e] of replica) {
    if (path.startsWith(`${folder}/`) && e.kind === 'file') inodes.set(path.slice(folder.length + 1), { ino: e.ino, size: e.size });
  }
  return inodes;
}

function rotate(list, by) {
  const k = list.length === 0 ? 0 : by % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

/**
 * The file system and its mount options (`discard`, for one, makes every unlink and replacing rename slower).
 * findmnt names ext4 as such; `stat -f`, the fallback, says "ext2/ext3" for it.
 */
function fsTypeOf(dir) {
  const mount = spawnSync('findmnt', ['-n', '-o', 'FSTYPE,OPTIONS', '-T', dir], { encoding: 'utf8' });
  const [type, options] = mount.status === 0 ? mount.stdout.trim().split(/\s+/) : [];
  if (type) return options ? `${type} (${options})` : type;
  const fs = spawnSync('stat', ['-f', '-c', '%T', dir], { encoding: 'utf8' });
  return fs.status === 0 ? fs.stdout.trim() : 'unknown fs';
}

function describeEnv(dir, fsType, loadAvgAtStart, tree) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown CPU',
    memBytes: os.totalmem(),
    fsType,
    dir,
    tree: { files: tree.files, dirs: tree.dirs, symlinks: tree.symlinks, bytes: tree.bytes },
    // Other work on the machine skews every number: say how busy it was.
    loadAvgAtStart,
    loadAvgAtEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** Asks every chosen tool whether it can run. Peers that are missing are skipped with a note. */
function prepareTools(opts) {
  const tools = allTools(opts.repoRoot, opts.oursRoot, opts.variants).filter((t) => opts.tools.includes(t.name) || t.name.startsWith('ours-'));
  for (const t of tools) {
    t.available = t.available();
    if (t.available.ok) continue;
    // Our own CLI, or a tool asked for by name, is never skipped quietly: a smoke run without it proves nothing.
    if (t.ours || opts.toolsGiven) {
      throw new UsageError(`Cannot run ${t.label}: ${t.available.reason}${t.name === 'ours' ? ' (leave it out with --tools rsync,rclone,cp,find)' : ''}.`);
    }
    log(`Skipping ${t.label}: ${t.available.reason}.`);
  }
  const ready = tools.filter((t) => t.available.ok);
  const mirrors = ready.filter((t) => t.kind === 'mirror');
  if (mirrors.length === 0) throw new UsageError('None of the chosen tools is installed; nothing to measure.');
  return { tools, ready, mirrors, references: ready.filter((t) => t.kind === 'reference') };
}

/** Where everything lives inside the work folder. */
function layout(work) {
  return {
    src: join(work, 'src'),
    repOf: (t) => join(work, `replica-${t.name}`),
    // Each build of ours keeps its own record and log, as separate installs would.
    stateDirOf: (t) => join(work, `state-${t.name}`),
    logDirOf: (t) => join(work, `logs-${t.name}`),
    scratch: join(work, 'scratch'),
  };
}

/** One measured command; a non-zero exit is shouted and recorded as a failure. */
function runTool(bench, tool, scenario, repeat) {
  const { opts, paths, refTool, work, failures } = bench;
  settle(opts.dropCaches);
  const ctx = { src: paths.src, rep: paths.repOf(tool), stateDir: paths.stateDirOf(tool), logDir: paths.logDirOf(tool), ref: paths.repOf(refTool) };
  const { cmd, args } = tool.command(ctx);
  const m = measure({ cmd, args, env: tool.env, cwd: work, timeoutSec: opts.timeoutSec, scratch: paths.scratch, discardStdout: tool.discardStdout });
  const run = {
    repeat, scenario, tool: tool.name,
    seconds: m.seconds, cpuSeconds: m.cpuSeconds, rssKiB: m.rssKiB, exitCode: m.exitCode, timedOut: m.timedOut, rchar: m.rchar, wchar: m.wchar,
    bytesCopied: tool.bytesCopied ? tool.bytesCopied(m.stdout, m.stderr) : null,
    stageMs: tool.stageMs ? tool.stageMs(m.stdout ?? '') : null,
    bytesRead: tool.bytesRead ? tool.bytesRead(m.stdout, m.stderr) : null,
  };
  const rss = m.rssKiB === null ? '' : `${String(Math.round((m.rssKiB * 1024) / 1e6)).padStart(5)} MB`;
  log(`  ${scenario.padEnd(12)} ${tool.label.padEnd(16)} ${m.seconds.toFixed(2).padStart(7)} s ${rss}${m.exitCode === 0 ? '' : `  exit ${m.exitCode}${m.timedOut ? ' (timed out)' : ''}`}`);
  if (m.exitCode !== 0) {
    loud(`${tool.label} FAILED in ${scenario} (repeat ${repeat}), exit ${m.exitCode}: ${cmd} ${args.join(' ')}`);
    console.error(`${m.stderr}\n${m.stdout}`.trim().split('\n').slice(-15).join('\n'));
    failures.push(`${tool.label} exited with ${m.exitCode} in ${scenario} (repeat ${repeat})`);
  }
  return run;
}

/**
 * Compares every replica that ran in this scenario with the source, and for the rename, which big files kept
 * their inodes. `bigBefore` carries each replica's big-file inodes from one scenario to the next.
 */
function verifyRound(bench, round, scenario, repeat, touched, bigBefore) {
  const { paths, failures, dirMtimeDiffs } = bench;
  const source = walk(paths.src);
  const sample = contentSample(source, touched);
  for (const { tool, run } of round) {
    const res = compareTrees({ srcRoot: paths.src, source, repRoot: paths.repOf(tool), keepsSymlinks: tool.keepsSymlinks, sample });
    bench.checks++;
    run.verified = res.ok;
    if (!res.ok) {
      loud(`REPLICA MISMATCH: ${tool.label} after ${scenario} (repeat ${repeat}): ${res.problemCount} problem(s)`);
      for (const p of res.problems) console.error(`    ${p}`);
      failures.push(`${tool.label} replica differs from the source after ${scenario} (repeat ${repeat})`);
    }
    if (res.dirMtimeDiffs > 0) dirMtimeDiffs.set(tool.label, Math.max(res.dirMtimeDiffs, dirMtimeDiffs.get(tool.label) ?? 0));
    if (scenario === 'rename' || scenario === 'rename-files') {
      // Same inode under the new name = moved inside the replica; a new inode = copied again.
      const old = bigBefore.get(tool.name) ?? new Map();
      const now = bigInodes(res.replica, bench.bigFolder);
      const nameNow = scenario === 'rename-files' ? renamedFile : (name) => name;
      run.bigTotal = old.size;
      run.bigMoved = [...old].filter(([name, e]) => now.get(nameNow(name))?.ino === e.ino).length;
      run.bigRewrittenBytes = [...old].filter(([name, e]) => now.get(nameNow(name))?.ino !== e.ino).reduce((sum, [, e]) => sum + e.size, 0);
    }
    bigBefore.set(tool.name, bigInodes(res.replica, bench.bigFolder));
  }
}

/** One repeat: a fresh source and empty replicas, then every scenario with every tool, each verified. */
function runRepeat(bench, plan, repeat) {
  const { opts, paths, mirrors, references } = bench;
  for (const p of bench.ourPaths) rmrf(p);
  const g0 = performance.now();
  const tree = writeTree(paths.src, plan, log);
  log(`\nRepeat ${repeat}/${opts.repeats}: tree of ${tree.files} files, ${fmtBytes(tree.bytes)} generated in ${((performance.now() - g0) / 1000).toFixed(1)} s (not measured).`);
  for (const p of [...mirrors.map(paths.repOf), ...mirrors.filter((t) => t.ours).flatMap((t) => [paths.stateDirOf(t), paths.logDirOf(t)]), paths.scratch]) mkdirSync(p, { recursive: true });
  const order = rotate(mirrors, repeat - 1);
  const bigBefore = new Map();
  bench.bigFolder = BIG_DIR;
  for (const scenario of SCENARIOS.filter((s) => opts.only.includes(s))) {
    let touched = [];
    if (scenario === 'incremental') touched = incremental(paths.src, plan, tree.pool).touched;
    if (scenario === 'rename') {
      if (opts.big === 0) {
        log('  rename: skipped (--big 0, no big-file folder)');
        continue;
      }
      renameBigFolder(paths.src);
      bench.bigFolder = BIG_DIR_RENAMED;
    }
    if (scenario === 'rename-files') {
      if (opts.big === 0) {
        log('  rename-files: skipped (--big 0, no big files)');
        continue;
      }
      bench.bigFolder = renameBigFiles(paths.src);
    }
    // Only a run that changes nothing can be measured again on the same trees: --rounds repeats it, rotating the order.
    const rounds = scenario === 'no-change' ? opts.rounds : 1;
    for (let k = 0; k < rounds; k++) {
      const round = [];
      for (const tool of rotate(order, k).filter((t) => t.scenarios.includes(scenario))) round.push({ tool, run: runTool(bench, tool, scenario, repeat) });
      // The scan reference runs last, when the replica it stats is in sync with the source.
      const runs = [...round.map((r) => r.run), ...references.map((t) => runTool(bench, t, scenario, repeat))];
      bench.runs.push(...runs);
      verifyRound(bench, round, scenario, repeat, touched, bigBefore);
    }
    // cp -a's replica is only for the initial mirror: free its space.
    if (scenario === 'initial') for (const t of mirrors.filter((m) => !m.scenarios.includes('no-change'))) rmrf(paths.repOf(t));
  }
  return tree;
}

function writeReport(bench, tools, ready, env, t0) {
  const { opts, runs, failures } = bench;
  const cells = summarise(runs, ready.map((t) => t.name));
  const targets = evaluateTargets(cells, opts, bench.baseline, bench.eventLoop, bench.idleMemory);
  const dirMtimeNotes = [...bench.dirMtimeDiffs].map(([label, n]) => `${label} (up to ${n} folders)`);
  const verification = { ok: failures.length === 0, checks: bench.checks, failures, dirMtimeNotes };
  log(`\n${markdown({ config: opts, env, tools, cells, targets, verification })}\n`);
  mkdirSync(dirname(opts.json), { recursive: true });
  const { repoRoot: _repoRoot, ...config } = opts;
  writeFileSync(opts.json, `${JSON.stringify({
    date: new Date().toISOString(),
    totalSeconds: (performance.now() - t0) / 1000,
    config, env,
    tools: tools.map((t) => ({ name: t.name, label: t.label, ...t.available })),
    cells, targets, verification, runs,
  }, null, 2)}\n`);
  log(`Results written to ${opts.json}`);
}

/** A smaller run's results, read before anything is generated: a wrong path is bad usage, not a failed bench. */
function readBaseline(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`Cannot read the baseline "${file}": ${error.message}.`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help) {
    log(USAGE);
    return 0;
  }
  if (opts.dropCaches && process.getuid?.() !== 0) throw new UsageError('--drop-caches needs root (it writes /proc/sys/vm/drop_caches).');
  if (!hasGnuTime()) log('Note: /usr/bin/time (Debian package "time") is missing: peak RSS and CPU time are not measured.');
  const baseline = opts.baseline === undefined ? undefined : readBaseline(opts.baseline);
  const { tools, ready, mirrors, references } = prepareTools(opts);

  const ownDir = opts.dir === undefined;
  const work = ownDir ? mkdtempSync(join(os.tmpdir(), 'folder-sync-bench-')) : opts.dir;
  mkdirSync(work, { recursive: true });
  // The event-loop measurement mirrors a tree of its own (its big files smaller) while the replicas still exist.
  checkDiskSpace(work, opts, 1 + mirrors.length + (mirrors.some((t) => t.name === 'ours') ? 1 : 0));
  const fsType = fsTypeOf(work);
  const loadAvgAtStart = os.loadavg().map((x) => Number(x.toFixed(2)));
  const paths = layout(work);
  const bench = {
    opts, work, paths, mirrors, references,
    ourPaths: [paths.src, ...mirrors.map(paths.repOf), ...mirrors.filter((t) => t.ours).flatMap((t) => [paths.stateDirOf(t), paths.logDirOf(t)]), paths.scratch],
    // find stats the source and one replica that is in sync: rsync's when there is one.
    refTool: ['rsync', 'ours', 'rclone'].map((n) => mirrors.find((t) => t.name === n)).find(Boolean) ?? mirrors[0],
    runs: [], failures: [], dirMtimeDiffs: new Map(), checks: 0, baseline,
  };
  const plan = planTree(opts);
  const t0 = performance.now();
  let tree;
  try {
    for (let repeat = 1; repeat <= opts.repeats; repeat++) tree = runRepeat(bench, plan, repeat);
    // The one target a command's outside cannot show: measured in this process, hosting the engine as the tray does.
    if (mirrors.some((t) => t.name === 'ours') && opts.only.includes('no-change')) {
      log('\nEvent loop of a process hosting the engine (a tree of its own, same size):');
      try {
        const hosted = await measureEventLoop({ files: opts.files, dir: work, log: (line) => log(`  ${line}`) });
        bench.eventLoop = hosted.blocks;
        bench.idleMemory = hosted.idle;
      } catch (error) {
        loud(`the event-loop measurement FAILED: ${error.stack ?? error}`);
        bench.failures.push(`the event-loop measurement failed: ${error.message}`);
      }
    }
    // Reported before the trees are removed: removing a million files takes minutes.
    writeReport(bench, tools, ready, describeEnv(work, fsType, loadAvgAtStart, tree), t0);
  } finally {
    if (!opts.keep) {
      for (const p of bench.ourPaths) rmrf(p);
      if (ownDir) rmdirSync(work);
    } else {
      log(`\nKept the work folder: ${work}`);
    }
  }
  if (bench.failures.length > 0) {
    loud(`BENCHMARK FAILED: ${bench.failures.length} problem(s):\n${bench.failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof UsageError) {
    console.error(err.message);
    process.exitCode = 2;
  } else {
    throw err;
  }
}
