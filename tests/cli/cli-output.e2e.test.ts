/**
 * What the built command tells its user and scripts, run as a user runs it (cli-process.ts): skipped entries named
 * on stderr, --json, -q, -v statistics, the exclude rules end to end, a read-only replica.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runToEnd, treeOf } from './cli-process.js';

let tmp: string;
let n = 0;
beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-cli-out-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function pairOf(files: Record<string, string>): { src: string; rep: string; logs: string; state: string; args: string[] } {
  n += 1;
  const base = path.join(tmp, `p${n}`);
  const src = path.join(base, 'src');
  fs.mkdirSync(src, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), text);
  }
  const rep = path.join(base, 'rep');
  const logs = path.join(base, 'logs');
  const state = path.join(base, 'state');
  return { src, rep, logs, state, args: ['-s', src, '-r', rep, '-l', logs, '--state-dir', state, '--once'] };
}

function logText(logs: string): string {
  return fs.readFileSync(path.join(logs, 'folder-sync.log'), 'utf8');
}

describe('skipped entries', () => {
  it('are named on stderr as "warning: PATH: REASON", 20 a run, then how many more and where the log is', async () => {
    const p = pairOf({ 'a.txt': 'a' });
    for (let i = 0; i < 23; i += 1) spawnSync('mkfifo', [path.join(p.src, `fifo${String(i).padStart(2, '0')}`)]);
    const r = await runToEnd(p.args);
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(21);
    expect(warnings[0]).toMatch(/^warning: fifo00: .+$/);
    expect(warnings[20]).toBe(`warning: … and 3 more (see ${path.join(p.logs, 'folder-sync.log')})`);
    // The log names every one of them.
    expect(logText(p.logs).match(/\] skip +fifo\d\d/g)).toHaveLength(23);
  });
});

describe('--json', () => {
  it('writes one JSON object per line and nothing else on stdout; paths that are not UTF-8 use \\udcXX', async () => {
    const p = pairOf({ 'a.txt': 'alpha', 'd/b.txt': 'bravo' });
    fs.writeFileSync(Buffer.from(path.join(p.src, 'bad-\xff.txt'), 'latin1'), 'odd');
    spawnSync('mkfifo', [path.join(p.src, 'pipe')]);
    const r = await runToEnd([...p.args, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const objects = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(objects[0]).toMatchObject({ type: 'start', source: p.src, replica: p.rep, dryRun: false });
    expect(objects.some((o) => o.type === 'plan' && Array.isArray(o.actions))).toBe(true);
    expect(objects).toContainEqual({ type: 'op', op: 'copy', path: 'd/b.txt' });
    expect(objects).toContainEqual({ type: 'op', op: 'copy', path: 'bad-\udcff.txt' });
    expect(objects).toContainEqual(expect.objectContaining({ type: 'op', op: 'skip', path: 'pipe' }));
    const summary = objects.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', status: 'ok', copied: 3, updated: 0, moved: 0, deleted: 0, errors: 0, skipped: 1, failures: [], undone: 0, aborted: false, log: path.join(p.logs, 'folder-sync.log') });
    expect(summary.stats).toMatchObject({ sourceEntries: 5, replicaEntries: 0 });
    expect(r.stdout).toContain('"bad-\\udcff.txt"');
    expect(r.stderr).toMatch(/^warning: pipe: /);
  });
});

describe('-q and -v', () => {
  it('-q prints nothing on a clean run; -v adds the statistics', async () => {
    const p = pairOf({ 'a.txt': 'a' });
    expect(await runToEnd([...p.args, '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    fs.writeFileSync(path.join(p.src, 'b.txt'), 'b');
    const v = await runToEnd([...p.args, '-v']);
    expect(v.stdout).toMatch(/^summary done .*\nstats {3}entries scanned: 2 in the source, 1 in the replica; read 1 B\nstats {3}time per stage: scan source /m);
  });

  it('--stats adds the statistics without the operations', async () => {
    const p = pairOf({ 'a.txt': 'a' });
    const r = await runToEnd([...p.args, '--stats']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/^copy/m);
    expect(r.stdout).toMatch(/^summary done .*\nstats {3}entries scanned: 1 in the source, 0 in the replica; read 1 B\nstats {3}time per stage: scan source \d+ ms, .* save record \d+ ms\n$/m);
  });
});

describe('exclude rules', () => {
  it('follow gitignore in the ignore file, --exclude-from and the command line, which wins first-match as in rsync', async () => {
    const p = pairOf({
      '.folder-sync-ignore': '/build\nsub/\n*.log\n!keep.log\n',
      'build/x.o': 'o',
      'src/build/y.txt': 'kept: /build is anchored at the top',
      'sub/z.txt': 'excluded folder',
      'dir/sub': 'a file named sub is kept',
      'a.log': 'excluded',
      'keep.log': 'taken back',
      'x/i.js': 'anchored',
      'deep/x/i.js': 'kept',
      'notes.tmp': 'excluded by --exclude-from',
      'important.tmp': 'included by --include, which comes first',
      'cache/c.bin': 'excluded on the command line',
    });
    const from = path.join(tmp, `rules${n}.txt`);
    fs.writeFileSync(from, '# gitignore lines\n*.tmp\n');
    fs.mkdirSync(p.rep);
    fs.writeFileSync(path.join(p.rep, 'a.log'), 'the replica keeps its own copy of an excluded path');
    const r = await runToEnd([...p.args, '--include', 'important.tmp', '--exclude', 'x/i.js', '--exclude-from', from, '--exclude', 'cache/', '--include', 'cache/']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(Object.keys(treeOf(p.rep)).sort()).toEqual(
      ['.folder-sync-ignore', 'a.log', 'deep', 'deep/x', 'deep/x/i.js', 'dir', 'dir/sub', 'important.tmp', 'keep.log', 'src', 'src/build', 'src/build/y.txt', 'x'].sort(),
    );
    expect(fs.readFileSync(path.join(p.rep, 'a.log'), 'utf8')).toBe('the replica keeps its own copy of an excluded path');
  });

  it('warns, once, about a pattern that can never match', async () => {
    const p = pairOf({ 'docs/keep.md': 'k', '.folder-sync-ignore': 'docs/\n!docs/keep.md\n' });
    const r = await runToEnd([...p.args, '--exclude', 'trailing ']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      'warning: "!docs/keep.md" can never take a path back: the folder "docs/" is excluded, and nothing inside an excluded folder is looked at',
      'warning: the pattern "trailing " ends in a space, which gitignore\'s syntax drops; write "trailing\\ " to match a name ending in a space',
    ]);
  });

  it('an unreadable --exclude-from file is exit 2, naming it', async () => {
    const p = pairOf({ 'a.txt': 'a' });
    const missing = path.join(tmp, 'no-such-rules.txt');
    const r = await runToEnd([...p.args, '--exclude-from', missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`folder-sync: Cannot read the --exclude-from file "${missing}": ENOENT.\n`);
  });
});

const isRoot = process.getuid?.() === 0;
describe.skipIf(!isRoot)('a read-only replica (tmpfs remounted read-only; needs root)', () => {
  it('ends with one clear error and exit 1; the same pair syncs once it is writable again', async () => {
    const p = pairOf({ 'a.txt': 'a', 'd/b.txt': 'b' });
    const mount = path.join(tmp, `ro${n}`);
    fs.mkdirSync(mount);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]).status).toBe(0);
    try {
      const rep = path.join(mount, 'rep');
      fs.mkdirSync(rep);
      fs.writeFileSync(path.join(rep, 'old.txt'), 'old');
      expect(spawnSync('mount', ['-o', 'remount,ro', mount]).status).toBe(0);
      const args = ['-s', p.src, '-r', rep, '-l', p.logs, '--state-dir', p.state, '--once'];
      const r = await runToEnd(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`folder-sync: The replica "${rep}" is on a read-only file system: nothing was synced.\n`);
      expect(logText(p.logs)).toContain('run not started: The replica');
      expect(spawnSync('mount', ['-o', 'remount,rw', mount]).status).toBe(0);
      const again = await runToEnd(args);
      expect(again.code, again.stderr).toBe(0);
      expect(treeOf(rep)).toEqual(treeOf(p.src));
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});

/**
 * The least free space a drive had while `during` ran, watched by a separate process (the run may keep its own
 * event loop busy) polling statfs every few hundred microseconds.
 */
async function leastFreeDuring(dir: string, during: () => Promise<void>): Promise<number> {
  const script = `const fs = require('fs'); let least = Infinity;
    const poll = () => { const s = fs.statfsSync(${JSON.stringify(dir)}); least = Math.min(least, s.bavail * s.bsize); };
    process.on('SIGTERM', () => { poll(); process.stdout.write(String(least)); process.exit(0); });
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const loop = () => { poll(); Atomics.wait(nap, 0, 0, 0.2); setImmediate(loop); };
    poll(); process.stdout.write('ready\\n'); loop();`;
  const watcher = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  watcher.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise<void>((resolve) => watcher.stdout.once('data', () => resolve()));
  try {
    await during();
  } finally {
    const exited = new Promise((resolve) => watcher.once('exit', resolve));
    watcher.kill('SIGTERM');
    await exited;
  }
  return Number(out.replace('ready\n', ''));
}

describe.skipIf(!isRoot)('a replica drive too small for a file (an 8 MiB tmpfs; needs root)', () => {
  it('says so once per run with the size and the free space, copies the rest, exits 1, and never fills the drive', async () => {
    const p = pairOf({ 'a.txt': 'a', 'd/b.txt': 'b' });
    fs.writeFileSync(path.join(p.src, 'big.bin'), Buffer.alloc(12 << 20, 'big'));
    fs.writeFileSync(path.join(p.src, 'd', 'fits.bin'), Buffer.alloc(2 << 20, 'fits'));
    const mount = path.join(tmp, `small${n}`);
    fs.mkdirSync(mount);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]).status).toBe(0);
    try {
      const rep = path.join(mount, 'rep');
      const args = ['-s', p.src, '-r', rep, '-l', p.logs, '--state-dir', p.state, '--once'];
      const said = "big.bin: not copied: it takes 12.0 MiB and the replica's drive has";
      for (const run of [1, 2]) {
        let r = { code: null as number | null, stdout: '', stderr: '' };
        const least = await leastFreeDuring(mount, async () => {
          r = await runToEnd(args);
        });
        expect(r.code, `run ${run}: ${r.stderr}`).toBe(1);
        expect(r.stderr.split('\n').filter((line) => line.includes('big.bin')), `run ${run}`).toEqual([expect.stringMatching(new RegExp(`^error +${said} \\d+\\.\\d MiB free$`))]);
        expect(logText(p.logs).split('\n').filter((line) => line.includes(said))).toHaveLength(run);
        const { 'big.bin': _left, ...rest } = treeOf(p.src);
        expect(treeOf(rep), `run ${run}`).toEqual(rest);
        // The replica's files take ~2 MiB of the 8: no temp file of the big one ever took the rest.
        expect(least, `run ${run}`).toBeGreaterThan(5 << 20);
      }
    } finally {
      spawnSync('umount', [mount]);
    }
  });
});

describe("Node's own warnings", () => {
  it('never reach the user: 1,200 files copied by the copy workers, then each replaced into --trash', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 1200; i += 1) files[`many/f${i}.txt`] = `first ${i}`;
    const pair = pairOf(files);
    // runToEnd fails on "(node:PID) Warning: …" (descriptors opened by the addon in a worker were once closed
    // through fs.closeSync there, and each close printed one).
    expect((await runToEnd(pair.args)).code).toBe(0);
    for (let i = 0; i < 1200; i += 1) fs.writeFileSync(path.join(pair.src, 'many', `f${i}.txt`), `second ${i}`);
    const again = await runToEnd([...pair.args, '--trash', path.join(path.dirname(pair.src), 'trash')]);
    expect(again.code).toBe(0);
    expect(treeOf(pair.rep)).toEqual(treeOf(pair.src));
  }, 60_000);
});
