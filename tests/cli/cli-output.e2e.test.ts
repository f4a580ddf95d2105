/**
 * What the built command tells its user and scripts, run as a user runs it (cli-process.ts): skipped entries named
 * on stderr, --json, -q, -v statistics, the exclude rules end to end, a read-only replica.
 */
import { spawnSync } from 'node:child_process';
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
