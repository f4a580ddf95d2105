/**
 * Runs the built `folder-sync` command as a real process, as a user runs it, and watches its output (end-to-end
 * CLI tests). The user's world is a temporary one: HOME and the XDG folders point into a folder under /tmp, the
 * command starts there, with no package.json above it, and without npm's variables: exactly what a user who
 * installed the package runs, from wherever they are (issue 14: every test that started inside the repository
 * hid an empty log).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The command as installed (package.json "bin"): the bundle in dist/cli/. */
export const CLI = path.resolve((JSON.parse(fs.readFileSync('package.json', 'utf8')) as { bin: Record<string, string> }).bin['folder-sync']!);

export function assertBuilt(): void {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm test does).`);
}

/** A user's folders: HOME, the XDG state, config and cache folders, and the working folder the command starts in. */
export interface UserHome {
  readonly root: string;
  readonly home: string;
  readonly work: string;
  readonly state: string;
  readonly config: string;
  readonly cache: string;
  /** The environment the command sees: the test's own, less npm's variables, with HOME and XDG_* pointing here. */
  readonly env: NodeJS.ProcessEnv;
}

/** The package.json found in `dir` or a folder above it, if any: there must be none above a user's folder. */
export function packageJsonAbove(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const candidate = path.join(at, 'package.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(at) === at) return undefined;
  }
}

/** What npm run sets (npm_package_json, npm_config_*, INIT_CWD): a user's shell has none of it. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && !key.startsWith('XDG_') && !key.startsWith('VITEST')) env[key] = value;
  }
  return env;
}

export function makeUserHome(): UserHome {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-user-'));
  const dirs = { home: path.join(root, 'home'), work: path.join(root, 'home', 'work'), state: path.join(root, 'xdg-state'), config: path.join(root, 'xdg-config'), cache: path.join(root, 'xdg-cache') };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  // Tests that run the command as "nobody" (root may write anywhere) must be able to start and write here too.
  for (const dir of [root, ...Object.values(dirs)]) fs.chmodSync(dir, 0o777);
  const above = packageJsonAbove(dirs.work);
  if (above !== undefined) throw new Error(`${above} lies above the temporary working folder: the CLI tests need a folder with none above it (set TMPDIR).`);
  const env = { ...userEnv(), HOME: dirs.home, XDG_STATE_HOME: dirs.state, XDG_CONFIG_HOME: dirs.config, XDG_CACHE_HOME: dirs.cache };
  return { root, ...dirs, env };
}

let shared: UserHome | undefined;
/** One user's world for the whole test file, removed when the test process exits. */
export function sharedUserHome(): UserHome {
  if (shared === undefined) {
    const made = makeUserHome();
    shared = made;
    process.on('exit', () => fs.rmSync(made.root, { recursive: true, force: true }));
  }
  return shared;
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

  /**
   * `command` is what runs the script: plain `node` by default, or e.g. node inside `unshare`. `user`: whose world
   * it runs in (sharedUserHome() by default); `env` adds to that world's environment. `script`: another installed
   * copy of the command (CLI by default).
   */
  constructor(
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore'; command?: readonly string[]; uid?: number; gid?: number; user?: UserHome; script?: string } = {},
  ) {
    const user = options.user ?? sharedUserHome();
    const [program, ...programArgs] = options.command ?? [process.execPath];
    this.child = spawn(program ?? process.execPath, [...programArgs, options.script ?? CLI, ...args], {
      cwd: user.work,
      stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
      env: { ...user.env, ...options.env },
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

/**
 * Node's own warnings ("(node:123) Warning: ..."), which a user must never see: each is a defect of ours (a
 * descriptor closed by the wrong owner, a listener leak, a deprecated call).
 */
export const NODE_WARNING = /^\(node:\d+\) \S*Warning: .*$/m;

/** Runs to completion; fails the test if the command printed a warning of Node's own. */
export async function runToEnd(
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
  options: { user?: UserHome; uid?: number; gid?: number; script?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = new CliProcess(args, { stdin: 'ignore', ...options, ...(env === undefined ? {} : { env }) });
  const exit = await proc.exited;
  if (proc.child.stderr !== null && !proc.child.stderr.readableEnded) await new Promise((resolve) => proc.child.once('close', resolve));
  const warning = NODE_WARNING.exec(proc.stderr);
  if (warning !== null) throw new Error(`folder-sync ${args.join(' ')} printed a warning of Node's own: ${warning[0]}`);
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
