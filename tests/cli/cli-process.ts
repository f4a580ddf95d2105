/** Runs the built `folder-sync` command as a real process and watches its output (end-to-end CLI tests). */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** The command as installed (package.json "bin"): the bundle in dist/cli/. */
export const CLI = path.resolve((JSON.parse(fs.readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }).bin['folder-sync']!);

export function assertBuilt(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does).`);
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Milliseconds since the process was started. */
  readonly at: number;
}

export class CliProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly startedAt = Date.now();

  /** `command` is what runs the script: plain `node` by default, or e.g. node inside `unshare`. */
  constructor(
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore'; command?: readonly string[]; uid?: number; gid?: number } = {},
  ) {
    const [program, ...programArgs] = options.command ?? [process.execPath];
    this.child = spawn(program ?? process.execPath, [...programArgs, CLI, ...args], {
      stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.uid === undefined ? {} : { uid: options.uid }),
      ...(options.gid === undefined ? {} : { gid: options.gid }),
    });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() - this.startedAt }));
    });
  }

  /** Resolves as soon as stdout matches (`times` occurrences); rejects on exit or timeout. */
  waitFor(pattern: RegExp, times = 1, timeoutMs = 15_000): Promise<void> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    const seen = (): boolean => (this.stdout.match(global)?.length ?? 0) >= times;
    if (seen()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => {
        cleanup();
        reject(new Error(`waiting for ${pattern} ×${times}: ${why}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      };
      const onData = (): void => {
        if (!seen()) return;
        cleanup();
        resolve();
      };
      const onExit = (): void => {
        setImmediate(() => (seen() ? resolve() : fail('the process exited')));
      };
      const timer = setTimeout(() => fail('timed out'), timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.off('exit', onExit);
      };
      // Registered after the constructor's own listener, so stdout already holds the new chunk.
      this.child.stdout?.on('data', onData);
      this.child.on('exit', onExit);
    });
  }

  /**
   * Delivers `requests` while the process is stopped (SIGSTOP … SIGCONT): they arrive together when it
   * resumes, at a moment the test chose, however fast the machine runs the sync.
   */
  async whileStopped(requests: () => void): Promise<void> {
    this.child.kill('SIGSTOP');
    requests();
    // Let a typed line travel through the pipe before the process resumes.
    await new Promise((r) => setTimeout(r, 20));
    this.child.kill('SIGCONT');
  }

  type(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  elapsed(): number {
    return Date.now() - this.startedAt;
  }
}

/** Runs to completion. */
export async function runToEnd(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = new CliProcess(args, { stdin: 'ignore', ...(env === undefined ? {} : { env }) });
  const exit = await proc.exited;
  return { code: exit.code, stdout: proc.stdout, stderr: proc.stderr };
}

/** Path → 'dir', 'link:target' or 'file:size:contents' (contents of small files only), for comparing trees. */
export function treeOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) {
        out[r] = 'dir';
        walk(abs, r);
      } else if (st.isSymbolicLink()) {
        out[r] = `link:${fs.readlinkSync(abs)}`;
      } else {
        out[r] = `file:${st.size}:${st.size <= 4096 ? fs.readFileSync(abs, 'utf8') : ''}`;
      }
    }
  };
  if (fs.existsSync(root)) walk(root, '');
  return out;
}
