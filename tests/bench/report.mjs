// Turns the measured runs into medians, the issue's targets with pass/fail, a Markdown report and JSON.
import { SCENARIOS } from './tools.mjs';

const SCENARIO_TITLES = {
  initial: 'initial mirror',
  'no-change': 'no-change run',
  incremental: 'incremental (1% mod, 1% add, 1% del)',
  rename: 'rename of the big-file folder',
  'rename-files': 'rename of each big file',
};
/** What our rename-files run may read: the content sample of each renamed file, on both sides (fs/contents.ts). */
const SAMPLE_BYTES_PER_SIDE = 16 * 64 * 1024;
const MB = 1e6;

export function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const max = (values) => {
  const v = values.filter((x) => typeof x === 'number');
  return v.length ? Math.max(...v) : null;
};

/** Per scenario and tool: median seconds, highest peak RSS, failures, rename bytes. */
export function summarise(runs, toolNames) {
  const cells = {};
  for (const scenario of SCENARIOS) {
    cells[scenario] = {};
    for (const tool of toolNames) {
      const mine = runs.filter((r) => r.scenario === scenario && r.tool === tool);
      if (mine.length === 0) continue;
      cells[scenario][tool] = {
        runs: mine.length,
        seconds: median(mine.map((r) => r.seconds)),
        cpuSeconds: median(mine.map((r) => r.cpuSeconds)),
        peakRssBytes: max(mine.map((r) => (r.rssKiB === null ? null : r.rssKiB * 1024))),
        failures: mine.filter((r) => r.exitCode !== 0 || r.verified === false).length,
        bytesCopied: max(mine.map((r) => r.bytesCopied)),
        bigRewrittenBytes: max(mine.map((r) => r.bigRewrittenBytes)),
        bigMoved: mine.every((r) => r.bigMoved === undefined) ? undefined : Math.min(...mine.map((r) => r.bigMoved ?? 0)),
        bigTotal: mine[0].bigTotal,
        bytesRead: max(mine.map((r) => r.bytesRead)),
        rchar: max(mine.map((r) => r.rchar)),
        wchar: max(mine.map((r) => r.wchar)),
        stageMs: medianStages(mine.map((r) => r.stageMs)),
      };
    }
  }
  return cells;
}

export const STAGES = ['scanSource', 'scanReplica', 'loadRecord', 'triage', 'plan', 'execute', 'saveRecord'];

/** Each stage's median over the runs that reported stage times (ours, through --stats); null when none did. */
function medianStages(list) {
  const reported = list.filter(Boolean);
  if (reported.length === 0) return null;
  return Object.fromEntries(STAGES.map((stage) => [stage, median(reported.map((s) => s[stage]))]));
}

/** Ours over another tool in one scenario, on wall time (`seconds`) or CPU time (`cpuSeconds`). */
function ratioCheck(cells, scenario, other, limit, field = 'seconds') {
  const ours = cells[scenario]?.ours;
  const ref = cells[scenario]?.[other];
  if (!ours || !ref || ours.failures > 0 || ref.failures > 0 || !ref[field] || ours[field] === null) return { measured: null, pass: null };
  const ratio = ours[field] / ref[field];
  return { measured: `${ratio.toFixed(2)} ×`, value: ratio, pass: ratio <= limit };
}

/** Time may grow this much faster than the file count and still count as linear (noise, a deeper tree). */
export const LINEAR_SLACK = 1.25;

/**
 * The no-change run's time against a smaller run's (`--baseline`): linear when it grows at most LINEAR_SLACK times
 * as fast as the number of files.
 */
export function linearGrowth(cells, config, baseline) {
  const target = `no-change time growing linearly with the files (≤ ${LINEAR_SLACK} × their ratio)`;
  const now = cells['no-change']?.ours;
  const before = baseline?.cells?.['no-change']?.ours;
  if (!before || !baseline.config?.files || baseline.config.files >= config.files) {
    return { target, measured: baseline ? 'the baseline has no smaller no-change run of ours' : 'give --baseline the JSON of a smaller run', pass: null };
  }
  if (!now || now.failures > 0) return { target, measured: null, pass: null };
  const filesRatio = config.files / baseline.config.files;
  const timeRatio = now.seconds / before.seconds;
  return {
    target,
    measured: `${fmtSeconds(now.seconds)} s at ${config.files} files ÷ ${fmtSeconds(before.seconds)} s at ${baseline.config.files} = ${timeRatio.toFixed(1)} × for ${filesRatio.toFixed(1)} × the files`,
    pass: timeRatio <= filesRatio * LINEAR_SLACK,
  };
}

export const EVENT_LOOP_LIMIT_MS = 50;

/** `blocks`: each scenario's longest event-loop block in ms (event-loop.mjs), when it was measured. */
export function eventLoopCheck(blocks) {
  const target = `event loop of the process hosting the engine never blocked > ${EVENT_LOOP_LIMIT_MS} ms`;
  const entries = Object.entries(blocks ?? {});
  if (entries.length === 0) return { target, measured: 'not measured (ours not run)', pass: null };
  const longest = Math.max(...entries.map(([, ms]) => ms));
  return { target, measured: `longest ${longest} ms (${entries.map(([s, ms]) => `${s} ${ms} ms`).join(', ')})`, pass: longest <= EVENT_LOOP_LIMIT_MS };
}

/**
 * The targets of the performance issue (18) that one run of this harness can decide; `baseline` (a smaller run's
 * JSON), `eventLoop` and `idleMemory` (event-loop.mjs's measurements) add one each.
 */
export function evaluateTargets(cells, config, baseline, eventLoop, idleMemory) {
  const label = (other) => (other === 'cp' ? 'cp -a' : other === 'find' ? '`find` stat of both trees' : other);
  const ratio = (scenario, other, limit, field = 'seconds') => ({
    target: `${SCENARIO_TITLES[scenario]} ≤ ${limit} × ${label(other)}${field === 'cpuSeconds' ? ' CPU' : ' wall'}`,
    ...ratioCheck(cells, scenario, other, limit, field),
  });
  const targets = [
    ratio('no-change', 'rsync', 0.5),
    ratio('no-change', 'rsync', 0.8, 'cpuSeconds'),
    ratio('no-change', 'find', 1.0),
    ratio('incremental', 'rsync', 0.8),
    ratio('incremental', 'rsync', 1.3, 'cpuSeconds'),
    ratio('initial', 'rsync', 0.8),
    ratio('initial', 'cp', 1.2),
  ];
  const rename = cells.rename?.ours;
  if (config.big > 0) {
    const bigBytes = config.big * config.bigSizeMiB * 1024 * 1024;
    targets.push({
      target: `rename: 0 bytes copied (all ${config.big} big files keep their inodes)`,
      measured: rename ? `${rename.bigMoved}/${rename.bigTotal} moved, ${fmtBytes(rename.bigRewrittenBytes)} rewritten, reported ${fmtBytes(rename.bytesCopied)}` : null,
      pass: rename && rename.failures === 0 ? rename.bigRewrittenBytes === 0 && (rename.bytesCopied ?? 0) === 0 : null,
    });
    // rchar also counts node's own modules, the record and the log; reading less than one big file
    // proves no big file was hashed or copied.
    targets.push({
      target: 'rename: 0 bytes of file contents read (process rchar < one big file)',
      measured: rename?.rchar != null ? `rchar ${fmtBytes(rename.rchar)} (of ${fmtBytes(bigBytes)} moved)` : null,
      pass: rename?.rchar != null && rename.failures === 0 ? rename.rchar < config.bigSizeMiB * 1024 * 1024 : null,
    });
    targets.push({
      target: 'rename of the folder: 0 bytes of file contents read (our --stats)',
      measured: rename?.bytesRead != null ? fmtBytes(rename.bytesRead) : null,
      pass: rename?.bytesRead != null && rename.failures === 0 ? rename.bytesRead === 0 : null,
    });
    targets.push(ratio('rename', 'rsync', 0.25));
    // Each renamed file's ctime moved: its move is confirmed by a bounded sample of its contents on both sides.
    const files = cells['rename-files']?.ours;
    const sampleBytes = config.big * 2 * Math.min(SAMPLE_BYTES_PER_SIDE, config.bigSizeMiB * 1024 * 1024);
    targets.push({
      target: `rename of ${config.big} files: all moved, contents read ≤ the sample (${fmtBytes(sampleBytes)})`,
      measured: files ? `${files.bigMoved}/${files.bigTotal} moved, read ${fmtBytes(files.bytesRead)}` : null,
      pass: files && files.failures === 0 && files.bytesRead != null ? files.bigRewrittenBytes === 0 && files.bytesRead <= sampleBytes : null,
    });
  }
  const noChange = cells['no-change']?.ours;
  const noChangePeak = noChange?.peakRssBytes ?? null;
  if (config.files >= 1_000_000) {
    targets.push({
      target: 'no-change run, 1,000,000 files ≤ 4 s',
      measured: noChange ? `${noChange.seconds.toFixed(2)} s at ${config.files} files` : null,
      pass: noChange && noChange.failures === 0 ? noChange.seconds <= 4 : null,
    });
    targets.push({
      target: 'no-change peak RSS, 1,000,000 files ≤ 350 MB',
      measured: noChangePeak === null ? null : `${fmtMB(noChangePeak)} at ${config.files} files`,
      pass: noChangePeak === null ? null : noChangePeak <= 350 * MB,
    });
  } else {
    targets.push({
      target: `no-change peak RSS, 100k files ≤ 90 MB${config.files < 100_000 ? ' (this run is smaller)' : ''}`,
      measured: noChangePeak === null ? null : `${fmtMB(noChangePeak)} at ${config.files} files`,
      pass: noChangePeak === null ? null : noChangePeak <= 90 * MB,
    });
  }
  targets.push(linearGrowth(cells, config, baseline));
  targets.push(eventLoopCheck(eventLoop));
  targets.push(idleMemoryCheck(idleMemory));
  return targets;
}

export const IDLE_MEMORY_LIMIT_BYTES = 20 * 1024 * 1024;

/** `idle`: the host's RSS before the runs and once idle after them (event-loop.mjs), when it was measured. */
export function idleMemoryCheck(idle) {
  const target = 'the process hosting the engine returns to within 20 MiB of its pre-run RSS';
  if (!idle) return { target, measured: 'not measured (ours not run)', pass: null };
  const grown = idle.afterBytes - idle.beforeBytes;
  return {
    target,
    measured: `${fmtBytes(idle.beforeBytes)} before, ${fmtBytes(idle.afterBytes)} ${idle.settleSeconds} s after (${grown >= 0 ? '+' : ''}${fmtBytes(Math.abs(grown))}${grown < 0 ? ' less' : ''}); peak ${fmtBytes(idle.peakBytes)}`,
    pass: grown <= IDLE_MEMORY_LIMIT_BYTES,
  };
}

export const fmtBytes = (b) => {
  if (b === null || b === undefined) return '—';
  if (b < 1024) return `${b} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = b / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
};
const fmtMB = (b) => `${Math.round(b / MB)} MB`;
const fmtMs = (ms) => (ms === null || ms === undefined ? '—' : String(Math.round(ms)));
const fmtSeconds = (s) => (s < 10 ? s.toFixed(2) : s.toFixed(1));

function cell(c) {
  if (!c) return '—';
  const text = `${fmtSeconds(c.seconds)} s · ${c.peakRssBytes === null ? '? MB' : fmtMB(c.peakRssBytes)}`;
  return c.failures > 0 ? `**FAILED** (${text})` : text;
}

const passText = (pass) => (pass === null ? 'n/a' : pass ? 'pass' : '**FAIL**');

/**
 * Builds of ours side by side (--variant): per scenario, each build's median wall and CPU seconds, peak RSS and number
 * of runs, and its ratio to the first build's.
 */
function abTable(builds, cells) {
  const [base] = builds;
  const lines = ['', `Builds of ours side by side (median wall s / CPU s / peak RSS, runs; ratio of wall and CPU to ${base.label}):`, ''];
  lines.push(`| scenario | ${builds.map((t) => t.label).join(' | ')} |`, `| --- | ${builds.map(() => '---:').join(' | ')} |`);
  const ratio = (a, b) => (a != null && b ? `${(a / b).toFixed(2)}×` : '—');
  for (const s of SCENARIOS) {
    const row = cells[s] ?? {};
    if (!builds.some((t) => row[t.name])) continue;
    const b = row[base.name];
    const text = (t) => {
      const c = row[t.name];
      if (!c) return '—';
      const own = `${fmtSeconds(c.seconds)} / ${c.cpuSeconds === null ? '—' : fmtSeconds(c.cpuSeconds)} / ${c.peakRssBytes === null ? '?' : fmtMB(c.peakRssBytes)}, n=${c.runs}`;
      const failed = c.failures > 0 ? ' **FAILED**' : '';
      return t === base || !b ? `${own}${failed}` : `${own} (${ratio(c.seconds, b.seconds)}, ${ratio(c.cpuSeconds, b.cpuSeconds)})${failed}`;
    };
    lines.push(`| ${SCENARIO_TITLES[s]} | ${builds.map(text).join(' | ')} |`);
  }
  return lines;
}

/** The whole Markdown report: context, the main table, the rename table, the targets. */
export function markdown({ config, env, tools, cells, targets, verification }) {
  const shown = tools.filter((t) => t.available.ok);
  const lines = [];
  lines.push(`## Folder Sync benchmark`, '');
  lines.push(`- Tree: ${env.tree.files.toLocaleString('en-US')} files (${config.files.toLocaleString('en-US')} small of 1–8 KiB, ${config.big} × ${config.bigSizeMiB} MiB), ${env.tree.dirs.toLocaleString('en-US')} folders, ${env.tree.symlinks} symlink(s), ${fmtBytes(env.tree.bytes)}; seed ${config.seed}.`);
  lines.push(`- Machine: ${env.cpus} × ${env.cpuModel}, ${fmtBytes(env.memBytes)} RAM, ${env.fsType} at ${env.dir}; node ${process.version}.`);
  lines.push('- Environment: the harness\'s, without NODE_EXTRA_CA_CERTS (a sandbox\'s proxy setting that makes each Node process parse a certificate bundle at start).');
  lines.push(`- Load average (1, 5, 15 min) at the start: ${env.loadAvgAtStart.join(', ')}; at the end: ${env.loadAvgAtEnd.join(', ')}. Above ${env.cpus}, other work competes for the CPUs: trust the CPU-time table more than wall time.`);
  lines.push(`- Cache: ${config.dropCaches ? 'page cache dropped before every measured command (cold)' : 'warm (page cache not dropped; --drop-caches for cold runs)'}; \`sync\` before every measured command.`);
  lines.push(`- ${config.repeats} repeat(s), tools alternating order each repeat; seconds are medians, RSS the highest peak.`);
  for (const t of tools) lines.push(`- ${t.label}: ${t.available.ok ? t.available.version : `skipped — ${t.available.reason}`}`);
  lines.push('');
  lines.push(`| scenario | ${shown.map((t) => t.label).join(' | ')} | ours ÷ rsync |`);
  lines.push(`| --- | ${shown.map(() => '---:').join(' | ')} | ---: |`);
  for (const s of SCENARIOS) {
    const row = cells[s] ?? {};
    const r = row.ours && row.rsync && row.rsync.seconds ? `${(row.ours.seconds / row.rsync.seconds).toFixed(2)} ×` : '—';
    lines.push(`| ${SCENARIO_TITLES[s]} | ${shown.map((t) => cell(row[t.name])).join(' | ')} | ${r} |`);
  }
  lines.push('', 'CPU seconds (user + system, median): steadier than wall time when the machine is busy.', '');
  lines.push(`| scenario | ${shown.map((t) => t.label).join(' | ')} | ours ÷ rsync |`);
  lines.push(`| --- | ${shown.map(() => '---:').join(' | ')} | ---: |`);
  for (const s of SCENARIOS) {
    const row = cells[s] ?? {};
    const cpu = (c) => (c && c.cpuSeconds !== null ? fmtSeconds(c.cpuSeconds) : '—');
    const r = row.ours?.cpuSeconds != null && row.rsync?.cpuSeconds ? `${(row.ours.cpuSeconds / row.rsync.cpuSeconds).toFixed(2)} ×` : '—';
    lines.push(`| ${SCENARIO_TITLES[s]} | ${shown.map((t) => cpu(row[t.name])).join(' | ')} | ${r} |`);
  }
  for (const scenario of ['rename', 'rename-files']) {
    const renameRow = cells[scenario] ?? {};
    const renamers = shown.filter((t) => renameRow[t.name] && t.kind === 'mirror');
    if (config.big === 0 || renamers.length === 0) continue;
    const what = scenario === 'rename' ? `the \`${config.big} × ${config.bigSizeMiB} MiB\` folder` : `each of the ${config.big} big files (${config.bigSizeMiB} MiB)`;
    lines.push('', `Rename of ${what} (worst repeat):`, '');
    lines.push('| tool | bytes copied (tool says) | contents read (tool says) | big files moved (same inode) | rewritten (inode check) | read (rchar) | written (wchar) |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const t of renamers) {
      const c = renameRow[t.name];
      lines.push(`| ${t.label} | ${fmtBytes(c.bytesCopied)} | ${fmtBytes(c.bytesRead)} | ${c.bigMoved ?? '—'}/${c.bigTotal ?? '—'} | ${fmtBytes(c.bigRewrittenBytes)} | ${fmtBytes(c.rchar)} | ${fmtBytes(c.wchar)} |`);
    }
  }
  const builds = shown.filter((t) => t.ours);
  if (builds.length > 1) lines.push(...abTable(builds, cells));
  const staged = builds.flatMap((t) => SCENARIOS.filter((s) => cells[s]?.[t.name]?.stageMs).map((s) => ({ t, s })));
  if (staged.length > 0) {
    const stageTitles = ['scan source', 'scan replica', 'load record', 'triage', 'plan', 'execute', 'save record'];
    lines.push('', 'Where our time went (ms per stage, median, from --stats; the two scans run at the same time):', '');
    lines.push(`| scenario | ${stageTitles.join(' | ')} |`, `| --- | ${stageTitles.map(() => '---:').join(' | ')} |`);
    for (const { t, s } of staged) {
      const title = builds.length > 1 ? `${SCENARIO_TITLES[s]} (${t.label})` : SCENARIO_TITLES[s];
      lines.push(`| ${title} | ${STAGES.map((k) => fmtMs(cells[s][t.name].stageMs[k])).join(' | ')} |`);
    }
  }
  lines.push('', '| target (issue 18) | measured | result |', '| --- | --- | --- |');
  for (const t of targets) lines.push(`| ${t.target} | ${t.measured ?? '—'} | ${passText(t.pass)} |`);
  lines.push('', verification.ok ? `Verification: every replica equalled the source after every scenario (${verification.checks} checks).` : `**VERIFICATION FAILED**: ${verification.failures.length} replica mismatch(es) or tool failure(s); see above.`);
  if (verification.dirMtimeNotes.length > 0) lines.push(`Note: directory mtimes differ (not counted as failure): ${verification.dirMtimeNotes.join('; ')}.`);
  return lines.join('\n');
}
