// One small adapter per tool: how to tell it is installed, the command line for one run, and how to read
// the bytes it says it copied. The runner knows nothing else about any tool.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCENARIOS = ['initial', 'no-change', 'incremental', 'rename', 'rename-files'];

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return r.stdout.split('\n')[0].trim();
}

function installed(cmd, versionArgs) {
  const version = firstLine(cmd, versionArgs);
  return version ? { ok: true, version } : { ok: false, reason: `${cmd} is not installed` };
}

/** "Total transferred file size: 1,073,741,824 bytes" from rsync --stats. */
function rsyncBytes(stdout) {
  const m = /Total transferred file size: ([\d,.]+)/.exec(stdout);
  return m ? Number(m[1].replace(/[,.]/g, '')) : null;
}

/** rclone's final stats line, logged as JSON: {"stats": {"bytes": N, ...}}. */
function rcloneBytes(output) {
  let bytes = null;
  for (const line of output.split('\n')) {
    if (!line.includes('"stats"')) continue;
    try {
      const parsed = JSON.parse(line);
      if (typeof parsed.stats?.bytes === 'number') bytes = parsed.stats.bytes;
    } catch {
      // Not a JSON log line.
    }
  }
  return bytes;
}

/**
 * Our summary line ("summary done in 0.1 s: 1 copied, …, 4.9 KiB, 0 errors") prints the bytes it copied,
 * rounded to a unit: enough to tell 0 B from 1 GiB; the inode check is the exact proof.
 */
export function oursBytes(output) {
  const summary = output.split('\n').filter((line) => /summary/i.test(line)).at(-1) ?? output;
  let bytes = null;
  for (const m of summary.matchAll(/(\d[\d,]*(?:\.\d+)?)\s*(bytes|B|KiB|MiB|GiB|kB|MB|GB)\b/g)) {
    const scale = { bytes: 1, B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, kB: 1e3, MB: 1e6, GB: 1e9 }[m[2]];
    bytes = Math.round(Number(m[1].replace(/,/g, '')) * scale);
  }
  return bytes;
}

const STAGE_KEYS = {
  'scan source': 'scanSource',
  'scan replica': 'scanReplica',
  'load record': 'loadRecord',
  triage: 'triage',
  plan: 'plan',
  execute: 'execute',
  'save record': 'saveRecord',
};

/** Our --stats line "stats   time per stage: scan source 96 ms, …, execute 5.2 s, save record 31 ms" as ms per stage. */
export function oursStages(output) {
  const line = output.split('\n').filter((l) => l.includes('time per stage:')).at(-1);
  if (line === undefined) return null;
  const stages = {};
  for (const part of line.slice(line.indexOf(':') + 1).split(',')) {
    const m = /^\s*(.+?) (?:(\d+) ms|([\d.]+) s|(\d+) min (\d+) s|(\d+) h (\d+) min (\d+) s)\s*$/.exec(part);
    const key = m && STAGE_KEYS[m[1]];
    if (!key) continue;
    const [, , ms, s, min, minS, h, hMin, hS] = m;
    stages[key] = ms !== undefined ? Number(ms) : s !== undefined ? Number(s) * 1000 : min !== undefined ? (Number(min) * 60 + Number(minS)) * 1000 : ((Number(h) * 60 + Number(hMin)) * 60 + Number(hS)) * 1000;
  }
  return stages;
}

/**
 * The bytes of file contents our run read (copied, hashed, compared), from the `--stats` line
 * ("stats   entries scanned: … ; read 16.0 MiB"): rchar cannot tell them from the record, the log and Node's own
 * modules.
 */
export function oursBytesRead(output) {
  const m = /^stats\b.*\bread (\d[\d,]*(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)\b/m.exec(output);
  if (!m) return null;
  return Math.round(Number(m[1].replace(/,/g, '')) * { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 }[m[2]]);
}

/**
 * @typedef {{src: string, rep: string, stateDir: string, logDir: string, ref: string}} RunContext
 * @typedef {{name: string, label: string, kind: 'mirror' | 'reference', scenarios: string[],
 *   keepsSymlinks?: boolean, discardStdout?: boolean, ours?: boolean, env?: Record<string, string>,
 *   available: () => {ok: boolean, version?: string, reason?: string},
 *   command: (ctx: RunContext) => {cmd: string, args: string[]},
 *   bytesCopied?: (stdout: string, stderr: string) => number | null,
 *   bytesRead?: (stdout: string, stderr: string) => number | null,
 *   stageMs?: (stdout: string) => Record<string, number> | null}} Tool
 */

/**
 * Our command as built in the checkout `root` (--ours-root / --variant: an older commit's build); its package.json's
 * "bin" is the command as installed (the bundle build/bundle.mjs makes). `env` is added to the command's environment.
 * @returns {Tool}
 */
function oursTool({ name, label, root, env = {} }) {
  const cli = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin['folder-sync']);
  // Its statistics line (bytes read): --stats where the command has it, -v (which prints it too) before that.
  let statsFlag = '--stats';
  return {
    name,
    label,
    kind: 'mirror',
    ours: true,
    env,
    scenarios: SCENARIOS,
    keepsSymlinks: true,
    available() {
      if (!existsSync(cli)) return { ok: false, reason: `${cli} is missing (npm run build)` };
      const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8', env: { ...process.env, ...env } });
      if (help.status !== 0) return { ok: false, reason: `node ${cli} --help exited with ${help.status}` };
      if (!help.stdout.includes('--stats')) statsFlag = '-v';
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      const extra = Object.entries(env).map(([k, v]) => ` ${k}=${v}`).join('');
      return { ok: true, version: `folder-sync ${pkg.version} (node ${process.version}) from ${root}${extra}` };
    },
    command: (ctx) => ({
      cmd: process.execPath,
      args: [cli, '-s', ctx.src, '-r', ctx.rep, '--once', '-l', ctx.logDir, '--state-dir', ctx.stateDir, statsFlag],
    }),
    bytesCopied: (stdout, stderr) => oursBytes(`${stderr}\n${stdout}`),
    bytesRead: (stdout, stderr) => oursBytesRead(`${stdout}\n${stderr}`),
    stageMs: (stdout) => oursStages(stdout),
  };
}

/**
 * `ourRoot`: the checkout whose command is "ours"; `variants` ({name, root, env}) are more builds of ours, each a
 * tool "ours-NAME".
 * @returns {Tool[]}
 */
export function allTools(repoRoot, ourRoot = repoRoot, variants = []) {
  return [
    oursTool({ name: 'ours', label: 'ours', root: ourRoot }),
    ...variants.map((v) => oursTool({ name: `ours-${v.name}`, label: `ours ${v.name}`, root: v.root, env: v.env })),
    {
      name: 'rsync',
      label: 'rsync',
      kind: 'mirror',
      scenarios: SCENARIOS,
      keepsSymlinks: true,
      available: () => installed('rsync', ['--version']),
      command: (ctx) => ({ cmd: 'rsync', args: ['-a', '--delete', '--stats', `${ctx.src}/`, `${ctx.rep}/`] }),
      bytesCopied: (stdout) => rsyncBytes(stdout),
    },
    {
      name: 'rclone',
      label: 'rclone',
      kind: 'mirror',
      scenarios: SCENARIOS,
      // rclone cannot make symlinks on a local disk (only .rclonelink files): it is told to skip them and
      // verification leaves them out for it.
      keepsSymlinks: false,
      available: () => installed('rclone', ['version']),
      command: (ctx) => ({
        cmd: 'rclone',
        args: [
          'sync', ctx.src, ctx.rep,
          '--config', '/dev/null',
          '--create-empty-src-dirs',
          '--skip-links',
          '--use-json-log',
          '--stats-log-level', 'NOTICE',
        ],
      }),
      bytesCopied: (stdout, stderr) => rcloneBytes(`${stdout}\n${stderr}`),
    },
    {
      name: 'cp',
      label: 'cp -a',
      kind: 'mirror',
      scenarios: ['initial'],
      keepsSymlinks: true,
      available: () => installed('cp', ['--version']),
      command: (ctx) => ({ cmd: 'cp', args: ['-a', `${ctx.src}/.`, ctx.rep] }),
    },
    {
      name: 'find',
      label: 'find (stat both)',
      kind: 'reference',
      scenarios: SCENARIOS,
      discardStdout: true,
      available: () => installed('find', ['--version']),
      command: (ctx) => ({ cmd: 'find', args: [ctx.src, ctx.ref, '-printf', '%s %T@\\n'] }),
    },
  ];
}
