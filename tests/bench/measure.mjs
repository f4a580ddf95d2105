// Runs one command and measures it: wall time (hrtime around the whole child), peak RSS (GNU time's %M,
// i.e. the child's ru_maxrss), CPU time (user + system: steadier than wall time on a busy machine), and the bytes it read and wrote through syscalls (rchar/wchar). The kernel
// adds a reaped child's I/O counters to its parent's, so the delta of our own /proc/self/io across the
// wait is the child's I/O; we do nothing else meanwhile and send its output to files, not pipes we read.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';
export const hasGnuTime = () => existsSync(GNU_TIME);

function selfIo() {
  try {
    const fields = {};
    for (const line of readFileSync('/proc/self/io', 'utf8').trim().split('\n')) {
      const [key, value] = line.split(': ');
      fields[key] = Number(value);
    }
    return fields;
  } catch {
    return undefined;
  }
}

/**
 * @param {{cmd: string, args: string[], env?: Record<string, string>, cwd?: string, timeoutSec: number, scratch: string, discardStdout?: boolean}} run
 */
/**
 * The environment every measured command gets: the harness's, less what a user's machine does not set and that
 * costs one tool alone. NODE_EXTRA_CA_CERTS (set in some sandboxes and CI images for a proxy) makes every Node
 * process read and parse a certificate bundle as it starts; rsync, cp and find do not pay it.
 */
export const MEASURED_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'NODE_EXTRA_CA_CERTS'));

export function measure(run) {
  const timeFile = join(run.scratch, 'time.txt');
  const outFile = join(run.scratch, 'stdout.txt');
  const errFile = join(run.scratch, 'stderr.txt');
  rmSync(timeFile, { force: true });
  // `timeout` (coreutils) kills the tool itself when it hangs; killing GNU time would orphan it.
  const inner = ['timeout', '--kill-after=10', String(run.timeoutSec), run.cmd, ...run.args];
  const [cmd, ...args] = hasGnuTime() ? [GNU_TIME, '-f', '%e %M %U %S', '-o', timeFile, ...inner] : inner;
  // A tool whose output is only noise (find's listing) writes to /dev/null, as it would in a shell.
  const out = openSync(run.discardStdout ? '/dev/null' : outFile, 'w');
  const err = openSync(errFile, 'w');
  const ioBefore = selfIo();
  const t0 = performance.now();
  const child = spawnSync(cmd, args, { cwd: run.cwd, env: { ...MEASURED_ENV, ...run.env }, stdio: ['ignore', out, err] });
  const seconds = (performance.now() - t0) / 1000;
  const ioAfter = selfIo();
  closeSync(out);
  closeSync(err);
  if (child.error) throw new Error(`could not start ${run.cmd}: ${child.error.message}`);
  const exitCode = child.status ?? 128;
  let rssKiB = null;
  let cpuSeconds = null;
  if (existsSync(timeFile)) {
    // GNU time prints "Command exited with non-zero status N" before the format line when the tool fails.
    const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
    const m = /^([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(lines.at(-1) ?? '');
    if (m) {
      rssKiB = Number(m[2]);
      cpuSeconds = Number(m[3]) + Number(m[4]);
    }
  }
  return {
    seconds,
    rssKiB,
    cpuSeconds,
    exitCode,
    timedOut: exitCode === 124 || exitCode === 137,
    rchar: ioBefore && ioAfter ? ioAfter.rchar - ioBefore.rchar : null,
    wchar: ioBefore && ioAfter ? ioAfter.wchar - ioBefore.wchar : null,
    stdout: run.discardStdout ? '' : readFileSync(outFile, 'utf8'),
    stderr: readFileSync(errFile, 'utf8'),
  };
}
