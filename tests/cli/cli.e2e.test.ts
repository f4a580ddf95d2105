/**
 * The built command as a user runs it: real processes, real folders, real signals and a real stdin, started in a
 * temporary home under /tmp with no package.json above it (cli-process.ts). Needs `npm run build` first (npm test
 * does it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountTmpfs } from '../helpers/fault-mount.js';
import { assertBuilt, CLI, CliProcess, makeUserHome, runToEnd, sharedUserHome, treeOf } from './cli-process.js';

let tmp: string;
/** A source with a few large files, so that a run lasts long enough to be interrupted. */
let bigSource: string;
const BIG_FILES = 3;
const BIG_SIZE = 64 * 1024 * 1024;

function makeDir(...parts: string[]): string {
  const dir = path.join(tmp, ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

let caseNo = 0;
/** A fresh case folder with a small source tree, a replica path (not created) and a log folder path. */
function smallCase(): { src: string; rep: string; logs: string; state: string } {
  caseNo += 1;
  const base = makeDir(`case${caseNo}`);
  const src = makeDir(`case${caseNo}`, 'src');
  fs.mkdirSync(path.join(src, 'docs', 'deep'), { recursive: true });
  fs.mkdirSync(path.join(src, 'empty'));
  fs.writeFileSync(path.join(src, 'a.txt'), 'alpha');
  fs.writeFileSync(path.join(src, 'docs', 'b.txt'), 'bravo');
  fs.writeFileSync(path.join(src, 'docs', 'deep', 'c.txt'), 'charlie');
  return { src, rep: path.join(base, 'rep'), logs: path.join(base, 'logs'), state: path.join(base, 'state') };
}

function logLines(logs: string): string[] {
  return fs
    .readFileSync(path.join(logs, 'folder-sync.log'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\[[^\]]+\] /, ''));
}

beforeAll(() => {
  assertBuilt();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-cli-'));
  bigSource = makeDir('big-src');
  const block = Buffer.alloc(BIG_SIZE);
  for (let i = 0; i < BIG_FILES; i += 1) {
    block.fill(`file ${i} `);
    fs.writeFileSync(path.join(bigSource, `big${i}.bin`), block);
  }
});

afterAll(() => {
  if (tmp !== undefined) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('folder-sync --help and --version', () => {
  it('prints the usage with every flag and the exit codes', async () => {
    const r = await runToEnd(['--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    for (const flag of ['--source', '--source-dir', '--replica-dir', '--interval', '--log-dir', '--once', '--dry-run', '--checksum', '--exclude', '--include', '--exclude-from', '--state-dir', '--allow-empty-source', '--max-delete', '--modify-window', '--watch', '--verbose', '--quiet', '--json', '--one-file-system', '--cross-file-systems', '--backup-dir', '-n,', '-q,', '-c,', '-x,']) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toMatch(/Exit codes:/);
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
    const r = await runToEnd(['-V']);
    expect(r).toEqual({ code: 0, stdout: `folder-sync ${pkg.version}\n`, stderr: '' });
  });
});

describe('bad usage or configuration: exit 2, one sentence naming the input, the replica untouched', () => {
  /** `code`: 2, or 3 where the mistake is refused for safety (overlapping folders). */
  async function expectUsage(args: string[], named: string, replica: string, code = 2): Promise<void> {
    const before = treeOf(replica);
    const existed = fs.existsSync(replica);
    const r = await runToEnd(args);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(named);
    expect(r.stderr.trim().split('\n'), 'one line').toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(replica)).toBe(existed);
    expect(treeOf(replica)).toEqual(before);
  }

  it('an unknown flag', async () => {
    const c = smallCase();
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', c.logs, '--once', '--frobnicate'], '--frobnicate', c.rep);
    expect(fs.existsSync(c.logs)).toBe(false);
  });

  it('a missing required flag', async () => {
    const c = smallCase();
    await expectUsage(['-r', c.rep, '-l', c.logs, '-i', '1h'], '--source', c.rep);
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', c.logs], '--interval', c.rep);
    await expectUsage(['-s', c.src, '-s', c.src, '-r', c.rep, '--once'], '-s/--source was given 2 times', c.rep);
  });

  it('a bad interval, and a zero one', async () => {
    const c = smallCase();
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', c.logs, '-i', '1h30'], '"1h30"', c.rep);
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', c.logs, '-i', '0s'], '"0s"', c.rep);
  });

  it('a missing source', async () => {
    const c = smallCase();
    const missing = path.join(tmp, 'no-such-source');
    await expectUsage(['-s', missing, '-r', c.rep, '-l', c.logs, '--once'], missing, c.rep);
  });

  it('source and replica the same, or nested either way: refused for safety (exit 3)', async () => {
    const c = smallCase();
    const before = treeOf(c.src);
    await expectUsage(['-s', c.src, '-r', `${c.src}/`, '-l', c.logs, '--once'], c.src, c.src, 3);
    await expectUsage(['-s', c.src, '-r', path.join(c.src, 'docs'), '-l', c.logs, '--once'], c.src, c.src, 3);
    await expectUsage(['-s', path.join(c.src, 'docs'), '-r', c.src, '-l', c.logs, '--once'], c.src, c.src, 3);
    expect(treeOf(c.src)).toEqual(before);
  });

  it('a replica path that is a file', async () => {
    const c = smallCase();
    const file = path.join(tmp, `replica-file-${caseNo}`);
    fs.writeFileSync(file, 'not a folder');
    await expectUsage(['-s', c.src, '-r', file, '-l', c.logs, '--once'], file, c.rep);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('a log folder that cannot be created or written', async () => {
    const c = smallCase();
    const file = path.join(tmp, `log-file-${caseNo}`);
    fs.writeFileSync(file, 'x');
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', path.join(file, 'logs'), '--once'], path.join(file, 'logs'), c.rep);
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', file, '--once'], file, c.rep);
    await expectUsage(['-s', c.src, '-r', c.rep, '-l', path.join(c.rep, 'logs'), '--once'], path.join(c.rep, 'logs'), c.rep);
  });

  it('a log or state folder that cannot be made (/proc/x, where Node\'s own mkdir -p loops for ever) is exit 2 at once', async () => {
    const c = smallCase();
    for (const args of [['-l', '/proc/x/logs'], ['-l', '/proc/x'], ['--state-dir', '/proc/x']]) {
      const proc = new CliProcess(['-s', c.src, '-r', c.rep, '--once', ...(args[0] === '-l' ? ['--state-dir', c.state] : ['-l', c.logs]), ...args], { stdin: 'ignore' });
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
      const exit = await proc.exited;
      clearTimeout(timer);
      expect(exit.code, `${args.join(' ')}: ${proc.stderr}`).toBe(2);
      expect(exit.at).toBeLessThan(5000);
      expect(proc.stderr).toMatch(new RegExp(`^folder-sync: Cannot (create the log|use the state) folder "${args[1]}": .*\\.\\n$`));
    }
    expect(fs.existsSync(c.rep)).toBe(false);
  });

  it('a replica that cannot be created is exit 2 with one sentence: in /proc, or below a folder it may not write', async () => {
    const c = smallCase();
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(path.dirname(c.src), 0o755);
    const r = await runToEnd(['-s', c.src, '-r', '/proc/x', '-l', c.logs, '--state-dir', c.state, '--once']);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toBe('folder-sync: The replica "/proc/x" cannot be created: the file system there does not allow it (ENOENT).\n');
    const locked = makeDir(`case${caseNo}`, 'locked');
    fs.chmodSync(path.dirname(locked), 0o755);
    fs.chmodSync(locked, 0o755);
    const open = makeDir(`case${caseNo}`, 'open');
    fs.chmodSync(open, 0o777);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const rep = path.join(locked, 'rep');
    const n = await runToEnd(['-s', c.src, '-r', rep, '-l', path.join(open, 'logs'), '--state-dir', path.join(open, 'state'), '--once'], undefined, asNobody);
    expect(n.code, n.stderr).toBe(2);
    expect(n.stderr).toBe(`folder-sync: The replica "${rep}" cannot be created: its parent folder "${locked}" is not writable.\n`);
  });

  it('a log folder without write permission', async () => {
    const c = smallCase();
    fs.chmodSync(tmp, 0o755);
    // The replica's parent is open to all: a replica nobody could create would be refused first.
    fs.chmodSync(path.dirname(c.rep), 0o777);
    fs.mkdirSync(c.logs, { mode: 0o555 });
    const state = makeDir(`case${caseNo}`, 'open-state');
    fs.chmodSync(state, 0o777);
    // Root may write anywhere: when the tests run as root, the command runs as "nobody".
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const proc = new CliProcess(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', state, '--once'], { stdin: 'ignore', ...asNobody });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr).toBe(2);
    expect(proc.stderr).toBe(`folder-sync: Cannot write the log file in "${c.logs}": permission denied.\n`);
    expect(fs.existsSync(c.rep)).toBe(false);
  });

  it('a symlink, a FIFO or a folder at the log file\'s name is refused in one sentence, never followed or waited on', async () => {
    // What a run as root would otherwise append to through a planted link: a root-owned file outside the log folder.
    const decoy = path.join(tmp, `decoy-${caseNo}`);
    fs.writeFileSync(decoy, 'root only\n', { mode: 0o600 });
    const plants: Array<[string, (file: string) => void]> = [
      ['a symbolic link', (file) => fs.symlinkSync(decoy, file)],
      ['a FIFO', (file) => execFileSync('mkfifo', [file])],
      ['a folder', (file) => fs.mkdirSync(file)],
    ];
    for (const [found, plant] of plants) {
      const c = smallCase();
      fs.mkdirSync(c.logs);
      const file = path.join(c.logs, 'folder-sync.log');
      plant(file);
      const proc = new CliProcess(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once'], { stdin: 'ignore' });
      // A FIFO opened for writing without O_NONBLOCK waits for a reader for ever.
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
      const exit = await proc.exited;
      clearTimeout(timer);
      expect(exit.code, `${found}: ${proc.stderr}`).toBe(2);
      expect(proc.stderr).toBe(`folder-sync: The log file "${file}" is ${found}, not a regular file: refusing to write the log there.\n`);
      expect(fs.existsSync(c.rep), found).toBe(false);
      expect(fs.lstatSync(file).isFile(), found).toBe(false);
    }
    expect(fs.readFileSync(decoy, 'utf8')).toBe('root only\n');
  });
});

describe('one run', () => {
  it('--once mirrors a small tree, with trailing slashes on the paths', async () => {
    const c = smallCase();
    const r = await runToEnd(['-s', `${c.src}/`, '-r', `${c.rep}/`, '-l', `${c.logs}/`, '--state-dir', c.state, '--once']);
    expect(r.code, r.stderr).toBe(0);
    expect(treeOf(c.rep)).toEqual(treeOf(c.src));
    expect(r.stdout).toMatch(/sync started: .* -> /);
    expect(r.stdout).toMatch(/^summary done in [\d.]+ s: 3 copied, 0 updated, 0 moved, 0 deleted, 17 B, 0 errors$/m);
  });

  it('accepts the original names --source-dir and --replica-dir', async () => {
    const c = smallCase();
    const r = await runToEnd(['--source-dir', c.src, '--replica-dir', c.rep, '--log-dir', c.logs, '--state-dir', c.state, '--once']);
    expect(r.code, r.stderr).toBe(0);
    expect(treeOf(c.rep)).toEqual(treeOf(c.src));
  });

  it('--dry-run prints the plan and changes nothing', async () => {
    const c = smallCase();
    fs.mkdirSync(c.rep);
    fs.writeFileSync(path.join(c.rep, 'extra.txt'), 'only in the replica');
    const before = treeOf(c.rep);
    const r = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(treeOf(c.rep)).toEqual(before);
    expect(r.stdout).toMatch(/^copy {4}a\.txt \(new file\)$/m);
    expect(r.stdout).toMatch(/^copy {4}docs\/deep\/c\.txt \(new file\)$/m);
    expect(r.stdout).toMatch(/^delete {2}extra\.txt \(not in the source\)$/m);
    expect(fs.existsSync(c.state)).toBe(false);
    expect(logLines(c.logs)).toContain('would   delete  extra.txt (not in the source)');
  });

  it('-n says why for updates and moves, and without -l writes no log and creates no folder at all', async () => {
    const user = makeUserHome();
    try {
      const c = smallCase();
      assert0(await runToEnd(['-s', c.src, '-r', c.rep, '--state-dir', c.state, '--once'], undefined, { user }));
      fs.writeFileSync(path.join(c.src, 'a.txt'), 'alpha, longer');
      fs.renameSync(path.join(c.src, 'docs', 'b.txt'), path.join(c.src, 'b-moved.txt'));
      fs.rmSync(path.join(user.state, 'folder-sync'), { recursive: true });
      const r = await runToEnd(['-s', c.src, '-r', c.rep, '--state-dir', c.state, '-n'], undefined, { user });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^update {2}a\.txt \(size changed\)$/m);
      expect(r.stdout).toMatch(/^move {4}docs\/b\.txt -> b-moved\.txt \(same file \(inode\)\)$/m);
      expect(fs.readdirSync(user.state)).toEqual([]);
    } finally {
      fs.rmSync(user.root, { recursive: true, force: true });
    }
  });

  it('started from a folder with no package.json above it and no -l, the log gets every line (issue 14)', async () => {
    const user = makeUserHome();
    try {
      const c = smallCase();
      const r = await runToEnd(['-s', c.src, '-r', c.rep, '--state-dir', c.state, '--once'], undefined, { user });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      const logs = path.join(user.state, 'folder-sync', 'logs');
      const lines = logLines(logs);
      expect(lines[0]).toBe(`start   ${c.src} -> ${c.rep}`);
      expect(lines).toContain('copy    docs/deep/c.txt');
      expect(lines.at(-1)).toMatch(/^summary done in .*: 3 copied/);
    } finally {
      fs.rmSync(user.root, { recursive: true, force: true });
    }
  });

  it.skipIf(process.getuid?.() !== 0)('a log that cannot be written is said on stderr, naming the file and the cause, and the exit code is 4 (a full tmpfs; needs root)', async () => {
    const c = smallCase();
    fs.mkdirSync(c.logs);
    // A disk that fills up under the log: the log file exists (so the check before the run passes), then a filler
    // takes every free block of a tiny tmpfs, and the first line the run writes gets ENOSPC.
    const disk = mountTmpfs(c.logs, '64k');
    try {
      fs.writeFileSync(path.join(c.logs, 'folder-sync.log'), '');
      const filler = fs.openSync(path.join(c.logs, 'filler'), 'w');
      try {
        for (const block = Buffer.alloc(4096, 1); ; ) fs.writeSync(filler, block);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(filler);
      }
      const r = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once']);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toBe(`folder-sync: cannot write the log file "${path.join(c.logs, 'folder-sync.log')}": no space left on device (ENOSPC); the log of this run is incomplete\n`);
      expect(treeOf(c.rep)).toEqual(treeOf(c.src));
    } finally {
      disk.dispose();
    }
  });

  it('writes one log line per operation, a start and a summary line, a newline in a name kept on one line', async () => {
    const c = smallCase();
    fs.writeFileSync(path.join(c.src, 'two\nlines.txt'), 'odd name');
    const r = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once', '-v']);
    expect(r.code, r.stderr).toBe(0);
    const lines = logLines(c.logs);
    expect(lines[0]).toBe(`start   ${c.src} -> ${c.rep}`);
    expect(lines.at(-1)).toMatch(/^summary done in .*: 4 copied/);
    for (const file of ['a.txt', 'docs/b.txt', 'docs/deep/c.txt', 'two\\nlines.txt']) {
      expect(lines.filter((l) => l === `copy    ${file}`), file).toHaveLength(1);
    }
    for (const dir of ['docs', 'docs/deep', 'empty']) {
      expect(lines.filter((l) => l === `mkdir   ${dir}`), dir).toHaveLength(1);
    }
    // -v shows the same operations on the console.
    expect(r.stdout).toContain('copy    two\\nlines.txt\n');
  });
});

describe('the record file is used only if it is a regular file', () => {
  it('a FIFO or a folder at the record\'s name is set aside with one warning: the run neither hangs nor fails, the next one is clean', async () => {
    for (const [what, plant] of [
      ['FIFO', (file: string) => execFileSync('mkfifo', [file])],
      ['folder', (file: string) => fs.mkdirSync(path.join(file, 'inside'), { recursive: true })],
    ] as const) {
      const c = smallCase();
      const args = ['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once'];
      assert0(await runToEnd(args));
      const records = fs.readdirSync(c.state).filter((name) => name.endsWith('.rec'));
      expect(records, what).toHaveLength(1);
      const record = path.join(c.state, records[0]!);
      fs.rmSync(record);
      plant(record);
      fs.writeFileSync(path.join(c.src, 'new.txt'), 'new');
      const proc = new CliProcess(args, { stdin: 'ignore' });
      const timer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
      const exit = await proc.exited;
      clearTimeout(timer);
      expect(exit.code, `${what}: ${proc.stderr}`).toBe(0);
      expect(proc.stderr, what).toMatch(new RegExp(`^warning: The file record ${record} could not be used \\(it is (a folder|not a regular file)\\); it was moved to ${record}\\.corrupt-\\d+ and will be rebuilt\\.\\n$`));
      expect(treeOf(c.rep), what).toEqual(treeOf(c.src));
      expect(fs.lstatSync(record).isFile(), what).toBe(true);
      assert0(await runToEnd(args));
    }
  });
});

describe('refusals and options passed to the engine', () => {
  it('an emptied source is refused: exit 3, the reason on stderr, the replica untouched', async () => {
    const c = smallCase();
    assert0(await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once']));
    const before = treeOf(c.rep);
    fs.rmSync(c.src, { recursive: true });
    fs.mkdirSync(c.src);
    const r = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/empty/);
    expect(r.stdout).toMatch(/^summary refused \(source-emptied\)/m);
    expect(treeOf(c.rep)).toEqual(before);
    const allowed = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once', '--allow-empty-source']);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(treeOf(c.rep)).toEqual({});
  });

  it('--max-delete refuses a run that deletes too much; --exclude leaves paths alone', async () => {
    const c = smallCase();
    assert0(await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once']));
    fs.rmSync(path.join(c.src, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(c.src, 'skip.tmp'), 'excluded');
    const refused = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once', '--max-delete', '1']);
    expect(refused.code).toBe(3);
    expect(fs.existsSync(path.join(c.rep, 'docs', 'b.txt'))).toBe(true);
    const r = await runToEnd(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '--once', '--max-delete', '10', '--exclude', '*.tmp']);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(c.rep, 'docs'))).toBe(false);
    expect(fs.existsSync(path.join(c.rep, 'skip.tmp'))).toBe(false);
  });
});

function assert0(r: { code: number | null; stderr: string }): void {
  expect(r.code, r.stderr).toBe(0);
}

describe('quitting', () => {
  function bigCase(): { args: string[]; rep: string } {
    const c = smallCase();
    return { rep: c.rep, args: ['-s', bigSource, '-r', c.rep, '-l', c.logs, '--state-dir', c.state] };
  }

  function expectComplete(rep: string): void {
    for (let i = 0; i < BIG_FILES; i += 1) expect(fs.statSync(path.join(rep, `big${i}.bin`)).size).toBe(BIG_SIZE);
  }

  // The run is paused (SIGSTOP) when the request is sent, so it is certainly still going when the request
  // arrives: 3 × 64 MiB take only ~0.2 s here, too short to hit reliably from outside.
  for (const how of ['quit', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${how} during a run lets it finish, then exits 0`, async () => {
      const { args, rep } = bigCase();
      const proc = new CliProcess([...args, '-i', '1h']);
      await proc.waitFor(/sync started/);
      await proc.whileStopped(() => (how === 'quit' ? proc.type('quit') : proc.child.kill(how)));
      const exit = await proc.exited;
      expect(exit.code, proc.stderr).toBe(0);
      expect(proc.stdout).toMatch(/finishing current sync…[^]*summary done in [\d.]+ s: 3 copied/);
      expect(proc.stdout).not.toContain('next sync');
      expectComplete(rep);
    });
  }

  it('a second Ctrl-C aborts the run: exit 130, no partial file under a real name', async () => {
    const { args, rep } = bigCase();
    const proc = new CliProcess([...args, '--once']);
    await proc.waitFor(/sync started/);
    await proc.whileStopped(() => proc.child.kill('SIGINT'));
    await proc.waitFor(/finishing current sync/);
    await proc.whileStopped(() => proc.child.kill('SIGINT'));
    const exit = await proc.exited;
    expect(exit.code, proc.stdout).toBe(130);
    expect(proc.stderr).toContain('aborting the current sync');
    expect(proc.stdout).not.toMatch(/summary done/);
    expect(proc.stdout).toMatch(/^summary aborted after /m);
    for (let i = 0; i < BIG_FILES; i += 1) {
      const file = path.join(rep, `big${i}.bin`);
      if (fs.existsSync(file)) expect(fs.statSync(file).size).toBe(BIG_SIZE);
    }
  });

  it('"quit" and then Ctrl-C while paused in one run: the second request aborts it', async () => {
    const { args } = bigCase();
    const proc = new CliProcess([...args, '-i', '1h']);
    await proc.waitFor(/sync started/);
    await proc.whileStopped(() => {
      proc.type('quit');
      proc.child.kill('SIGINT');
    });
    expect((await proc.exited).code).toBe(130);
  });

  for (const how of ['quit', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${how} while waiting for the next run exits at once`, async () => {
      const c = smallCase();
      const proc = new CliProcess(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '-i', '1h']);
      await proc.waitFor(/next sync at/);
      const askedAt = proc.elapsed();
      if (how === 'quit') proc.type('quit');
      else proc.child.kill(how);
      const exit = await proc.exited;
      expect(exit.code, proc.stderr).toBe(0);
      expect(exit.at - askedAt).toBeLessThan(1000);
      expect(proc.stdout).not.toContain('finishing current sync');
    });
  }
});

describe('job control on a terminal', () => {
  // `script` gives bash a terminal, so `&` makes a real background job of the terminal's session.
  const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
  it.skipIf(!hasScript)('started with & it keeps running (a background job that read the terminal would be stopped)', async () => {
    const c = smallCase();
    const cli = ['node', CLI, '-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '-i', '1h'].join(' ');
    const shell = `${cli} & sleep 1.5; jobs -l; kill -TERM %1; kill -CONT %1; wait %1; echo exit=$?`;
    const user = sharedUserHome();
    const r = spawnSync('script', ['-qec', `bash --norc --noprofile -ic '${shell}'`, '/dev/null'], { encoding: 'utf8', timeout: 15_000, cwd: user.work, env: user.env });
    expect(r.stdout).toMatch(/^\[1\]\+ +\d+ Running /m);
    expect(r.stdout).not.toMatch(/Stopped/);
    expect(r.stdout).toMatch(/exit=0/);
    expect(treeOf(c.rep)).toEqual(treeOf(c.src));
  });
});

describe('the periodic loop', () => {
  it('runs every -i 1s, with stdin closed (as in CI), until SIGTERM', async () => {
    const c = smallCase();
    const proc = new CliProcess(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '-i', '1s'], { stdin: 'ignore' });
    await proc.waitFor(/^summary /m, 2);
    fs.writeFileSync(path.join(c.src, 'later.txt'), 'added between runs');
    await proc.waitFor(/^summary /m, 4);
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr).toBe(0);
    expect(treeOf(c.rep)).toEqual(treeOf(c.src));
    expect(logLines(c.logs).filter((l) => l.startsWith('start '))).toHaveLength(proc.stdout.match(/sync started/g)?.length ?? -1);
  });

  it('--watch runs early once the source has been quiet, long before the interval', async () => {
    const c = smallCase();
    const proc = new CliProcess(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '-i', '1h', '--watch']);
    await proc.waitFor(/next sync at/);
    await new Promise((r) => setTimeout(r, 300));
    fs.writeFileSync(path.join(c.src, 'docs', 'new.txt'), 'noticed');
    await proc.waitFor(/^summary /m, 2, 10_000);
    proc.type('quit');
    expect((await proc.exited).code, proc.stderr).toBe(0);
    expect(fs.readFileSync(path.join(c.rep, 'docs', 'new.txt'), 'utf8')).toBe('noticed');
  });

  const canLimitWatches = spawnSync('unshare', ['-U', '-r', 'sh', '-c', 'echo 3 > /proc/sys/user/max_inotify_watches']).status === 0;
  it.skipIf(!canLimitWatches)('--watch past the inotify limit warns and keeps syncing on the interval', async () => {
    const c = smallCase();
    for (let i = 0; i < 8; i += 1) fs.mkdirSync(path.join(c.src, `dir${i}`));
    const limited = ['unshare', '-U', '-r', 'sh', '-c', 'echo 3 > /proc/sys/user/max_inotify_watches && exec "$@"', 'sh', process.execPath];
    const proc = new CliProcess(['-s', c.src, '-r', c.rep, '-l', c.logs, '--state-dir', c.state, '-i', '1s', '--watch'], { command: limited });
    await proc.waitFor(/^summary /m, 2);
    proc.child.kill('SIGTERM');
    const exit = await proc.exited;
    expect(exit.code, proc.stderr).toBe(0);
    expect(proc.stderr).toMatch(/^warning: watching the source stopped \(the inotify watch limit is reached.*\); syncing on the interval only$/m);
    expect(proc.stderr.match(/watching the source stopped/g)).toHaveLength(1);
    expect(logLines(c.logs).some((l) => l.startsWith('note    watching the source stopped'))).toBe(true);
  });
});
