/**
 * The command is a bundle (build/bundle.mjs): an entry, the chunks it imports, and the chunk holding the rest of the
 * command, which the entry imports once the scans have started. The engine finds its worker scripts beside the module
 * that starts them; in the bundle that is the bundle's own folder, so a worker script missing there would silently
 * scan and copy in the main thread instead.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, CliProcess } from './cli-process.js';
import { makePair } from '../helpers/pair.js';
import { writeTree } from '../helpers/tree.js';

/** The bundle's files `file` loads, itself first: those its `import … from` statements name, and with `dynamic` also
 * those its `import()` calls name, each followed in turn. */
function bundleFiles(file: string, dynamic: boolean, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  const statics = [...text.matchAll(/^(?:import|export) [^;]*?from "(\.\/[\w-]+\.js)";$/gm)].map((m) => m[1]!);
  const dynamics = dynamic ? [...text.matchAll(/\bimport\("(\.\/[\w-]+\.js)"\)/g)].map((m) => m[1]!) : [];
  for (const next of [...statics, ...dynamics]) bundleFiles(path.join(path.dirname(file), next), dynamic, seen);
  return seen;
}

/** The sources bundled into `files`, from the `// path` line esbuild writes above each one. */
function sourcesIn(files: Iterable<string>): Set<string> {
  const sources = new Set<string>();
  for (const file of files) for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\/\/ ((?:main|node_modules)\/\S+)$/gm)) sources.add(m[1]!);
  return sources;
}

describe('the bundled command', () => {
  it('has beside it every worker script it starts', () => {
    const bundle = [...bundleFiles(CLI, true)].map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    const workers = [...bundle.matchAll(/new URL\("\.\/([\w-]+\.js)", import\.meta\.url\)/g)].map((m) => m[1]!);
    // Not sync-worker.js: only the tray runs a whole sync in a worker (the command's copy of that code was dead).
    expect(workers.sort()).toEqual(['copy-worker.js', 'scan-worker.js', 'watch-worker.js']);
    for (const worker of workers) expect(fs.existsSync(path.join(path.dirname(CLI), worker)), worker).toBe(true);
  });

  it('starts the scans from an entry that holds only what they need, the rest of the command loading meanwhile', () => {
    const everything = sourcesIn(bundleFiles(CLI, true));
    const beforeScans = bundleFiles(CLI, false);
    const early = sourcesIn(beforeScans);
    expect(early).toContain('main/cli/scan-ahead.ts');
    expect(early).toContain('main/engine/scan/parallel.ts');
    for (const later of ['main/cli/run-cli.ts', 'main/engine/run/sync.ts', 'main/engine/execute/execute.ts', 'main/log.ts', 'node_modules/electron-log/src/core/Logger.js', 'node_modules/chokidar/index.js']) {
      expect(everything, later).toContain(later);
      expect(early, later).not.toContain(later);
    }
    // Node's own modules come through the bundle's require (build/builtins-by-require.mjs): an ES module import of
    // one makes Node copy all its exports first, running its lazy getters. Only the banner's node:module is imported.
    const text = [...beforeScans].map((file) => fs.readFileSync(file, 'utf8')).join('\n');
    expect([...text.matchAll(/^import .* from ["'](node:[\w/]+)["'];$/gm)].map((m) => m[1])).toEqual([...beforeScans].map(() => 'node:module'));
    // Nor does what starts the scans need the modules for timing stages or starting threads.
    expect(text).not.toMatch(/require\("node:(perf_hooks|worker_threads)"\)/);
  });

  it('answers --version and --help without loading the chunk that runs syncs', () => {
    // A copy of the command without that chunk (and the package.json the version is read from).
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-bundle-'));
    try {
      const later = [...bundleFiles(CLI, true)].filter((file) => !bundleFiles(CLI, false).has(file));
      expect(later.map((file) => path.basename(file))).toContainEqual(expect.stringMatching(/^run-cli-/));
      fs.mkdirSync(path.join(copy, 'dist', 'cli'), { recursive: true });
      fs.copyFileSync('package.json', path.join(copy, 'package.json'));
      for (const file of bundleFiles(CLI, false)) fs.copyFileSync(file, path.join(copy, 'dist', 'cli', path.basename(file)));
      const bin = path.join(copy, 'dist', 'cli', path.basename(CLI));
      const run = (args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [bin, ...args], { cwd: copy, encoding: 'utf8' });
      const version = run(['--version']);
      expect(version.status, String(version.stderr)).toBe(0);
      expect(version.stdout).toMatch(/^folder-sync \d+\.\d+\.\d+\n$/);
      const help = run(['--help']);
      expect(help.status, String(help.stderr)).toBe(0);
      expect(help.stdout).toMatch(/^Usage: folder-sync /);
      // A mistake is for runCli to explain: that needs the chunk, which this copy lacks.
      expect(run(['--no-such-option']).stderr).toMatch(/run-cli-\w+\.js/);
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it('keeps live imports of Node\'s modules in the watcher\'s thread, where chokidar must see the paced lstat and readdir', () => {
    // watch-fs-pace.ts replaces them and calls syncBuiltinESMExports, which reaches ES module imports only.
    const worker = fs.readFileSync(path.join(path.dirname(CLI), 'watch-worker.js'), 'utf8');
    expect(worker).toMatch(/^import \{ lstat, readdir, [^}]*\} from "node:fs\/promises";$/m);
  });

  it('loads no network module at start-up (electron-log\'s Node entry loaded http, https and tls for nothing)', () => {
    // Node's own list of the built-in modules it loaded, printed as the process exits.
    const probe = "process.on('exit', () => process.stderr.write('LOADED ' + process.moduleLoadList.join(',') + '\\n'));";
    const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(probe)}`, CLI, '--version'], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const loaded = /^LOADED (.*)$/m.exec(result.stderr)?.[1]?.split(',');
    expect(loaded, result.stderr).toContain('NativeModule fs');
    expect(loaded!.filter((name) => /^NativeModule (https?|tls)$/.test(name))).toEqual([]);
  });

  it('runs, logs and mirrors with the bundled electron-log and ignore', async () => {
    const pair = makePair();
    try {
      writeTree(pair.source, { 'a.txt': 'a', 'skip.tmp': 't', 'd/b.txt': 'b' });
      const logDir = path.join(pair.root, 'logs');
      const run = new CliProcess(['-s', pair.source, '-r', pair.replica, '--once', '-l', logDir, '--state-dir', pair.state, '--exclude', '*.tmp']);
      expect((await run.exited).code, run.stderr).toBe(0);
      expect(fs.readdirSync(pair.replica).sort()).toEqual(['a.txt', 'd']);
      expect(fs.readFileSync(path.join(logDir, 'folder-sync.log'), 'utf8')).toMatch(/copy +a\.txt/);
    } finally {
      pair.cleanup();
    }
  });
});
