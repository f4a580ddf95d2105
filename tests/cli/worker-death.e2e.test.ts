/**
 * A copy worker that dies mid-run (its thread crashed, or was ended for memory), through the built command as a
 * user runs it (cli-process.ts). The command is installed a second time with its copy worker replaced by one that
 * dies on the first batch it is handed: no hook in the product, the command's own files otherwise. The run must
 * end (not hang), exit 1, name on stderr every file it did not copy; the next run copies them and exits 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, CLI, runToEnd, treeOf } from './cli-process.js';

let tmp: string;
let installed: string;

/**
 * The first copy worker to take a batch dies at once, as SIGKILL'd or OOM-killed code would (process.exit in a
 * worker thread ends it there); an exclusive file elects that one worker. The real worker's message listener is
 * wrapped before that worker is loaded: the port starts delivering only once it is attached, so no batch sent
 * meanwhile is lost.
 */
const DYING_WORKER = `import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
const on = parentPort.on.bind(parentPort);
parentPort.on = (event, listener) =>
  on(event, event !== 'message' ? listener : (message) => {
    if (!message.close && elected()) process.exit(9);
    listener(message);
  });
function elected() {
  try {
    fs.closeSync(fs.openSync(process.env.DYING_WORKER_FLAG, 'wx'));
    return true;
  } catch {
    return false;
  }
}
await import('./copy-worker.real.js');
`;

/** The built package's command as a second install: dist/cli beside the native addon, copy worker replaced. */
function installDying(root: string): string {
  const cli = path.join(root, 'pkg', 'dist', 'cli');
  fs.cpSync(path.dirname(CLI), cli, { recursive: true });
  fs.renameSync(path.join(cli, 'copy-worker.js'), path.join(cli, 'copy-worker.real.js'));
  fs.writeFileSync(path.join(cli, 'copy-worker.js'), DYING_WORKER);
  const addon = path.resolve('native/build/folder_sync.node');
  if (fs.existsSync(addon)) {
    fs.mkdirSync(path.join(root, 'pkg', 'native', 'build'), { recursive: true });
    fs.copyFileSync(addon, path.join(root, 'pkg', 'native', 'build', 'folder_sync.node'));
  }
  return path.join(cli, path.basename(CLI));
}

beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-worker-death-'));
  installed = installDying(tmp);
});

afterAll(() => {
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('a copy worker that dies mid-run', () => {
  it('ends the run with exit 1 naming every file not copied; the next run copies them and exits 0', async () => {
    const src = path.join(tmp, 'src');
    const rep = path.join(tmp, 'rep');
    const state = path.join(tmp, 'state');
    // Enough files for several workers and batches (32 files a batch).
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    const names: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const rel = i % 2 === 0 ? `f${String(i).padStart(3, '0')}.txt` : `sub/g${String(i).padStart(3, '0')}.txt`;
      fs.writeFileSync(path.join(src, rel), `file ${i}\n`.repeat(1 + (i % 7)));
      names.push(rel);
    }
    // Where the addon is loaded, files up to 1 MiB are copied without workers: these larger ones go to them
    // (8 MiB a batch, so several batches).
    fs.mkdirSync(path.join(src, 'big'));
    for (let i = 0; i < 24; i += 1) {
      const rel = `big/b${String(i).padStart(2, '0')}.bin`;
      fs.writeFileSync(path.join(src, rel), Buffer.alloc((1 << 20) + 1 + i, i));
      names.push(rel);
    }
    const args = ['-s', src, '-r', rep, '--once', '--state-dir', state];
    const flag = path.join(tmp, 'died');

    const first = await runToEnd(args, { DYING_WORKER_FLAG: flag }, { script: installed });
    expect(fs.existsSync(flag), 'a copy worker took a batch and died').toBe(true);
    expect(first.code, first.stderr).toBe(1);
    const missing = names.filter((rel) => !fs.existsSync(path.join(rep, rel)));
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.length).toBeLessThan(names.length);
    // Every file the dead worker took is named on stderr, as not copied.
    const errorLines = first.stderr.split('\n').filter((line) => /^error\b/.test(line));
    for (const rel of missing) expect(errorLines.some((line) => line.includes(rel) && /copy worker stopped/.test(line)), `${rel} named on stderr:\n${first.stderr}`).toBe(true);

    // The next run (the real worker, the flag still there: no worker dies) converges.
    const second = await runToEnd(args, { DYING_WORKER_FLAG: flag }, { script: installed });
    expect(second.code, second.stderr).toBe(0);
    expect(treeOf(rep)).toEqual(treeOf(src));
    const third = await runToEnd(args, undefined, {});
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/0 copied/);
  }, 60_000);
});
