/**
 * The command is a bundle (build/bundle.mjs). The engine finds its worker scripts beside the module that starts
 * them; in the bundle that is the bundle's own folder, so a worker script missing there would silently scan and copy
 * in the main thread instead.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, CliProcess } from './cli-process.js';
import { makePair } from '../helpers/pair.js';
import { writeTree } from '../helpers/tree.js';

describe('the bundled command', () => {
  it('has beside it every worker script it starts', () => {
    const bundle = fs.readFileSync(CLI, 'utf8');
    const workers = [...bundle.matchAll(/new URL\("\.\/([\w-]+\.js)", import\.meta\.url\)/g)].map((m) => m[1]!);
    expect(workers.sort()).toEqual(['copy-worker.js', 'scan-worker.js', 'sync-worker.js', 'watch-worker.js']);
    for (const worker of workers) expect(fs.existsSync(path.join(path.dirname(CLI), worker)), worker).toBe(true);
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
