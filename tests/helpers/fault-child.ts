/**
 * Child processes for fault tests: a sync run (tests/helpers/fault-runner.mjs over the built engine) that can be
 * killed at a moment or at a step, and a watcher (fault-watcher.mjs) that reads replica files while it runs.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../../main/engine/types.js';

const HERE = path.resolve('tests/helpers');
export const RUNNER = path.join(HERE, 'fault-runner.mjs');
export const WATCHER = path.join(HERE, 'fault-watcher.mjs');

/** Children still running when the test process exits (a failed assertion mid-case) are killed with it. */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.on('exit', () => live.delete(child));
  return child;
}

/** A run that takes longer than this has hung (it happened: libuv's copy loop on a truncated source). */
const HANG_MS = 120_000;

export function assertEngineBuilt(): void {
  const built = path.resolve('dist/main/engine/run/sync.js');
  if (!fs.existsSync(built)) throw new Error(`${built} is missing: run "npm run build" first (npm test does).`);
}

export type RecordStep = 'open' | 'write' | 'fsync' | 'rename' | 'renamed';

export interface RunnerOptions {
  readonly source: string;
  readonly replica: string;
  readonly stateDir: string;
  readonly allowEmptySource?: boolean;
  readonly killAfterShare?: number;
  readonly killInRecord?: RecordStep;
}

export interface RunnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Phases entered, in order (scan, plan, op:copy, ..., record). */
  readonly phases: string[];
  /** "path: detail" of every error the run reported. */
  readonly errors: string[];
  readonly summary?: RunSummary;
  readonly stderr: string;
  readonly ms: number;
  readonly hung?: boolean;
}

export interface RunningChild {
  readonly child: ChildProcess;
  readonly exited: Promise<RunnerExit>;
  kill(): void;
}

/** `as`: run under another uid/gid (permission tests; root ignores permissions). */
export function startRunner(options: RunnerOptions, as?: { uid: number; gid: number }, onPhase?: (phase: string) => void): RunningChild {
  const spawnOptions: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], ...(as ?? {}) };
  const child = track(spawn(process.execPath, [RUNNER, JSON.stringify(options)], spawnOptions));
  const startedAt = Date.now();
  let hung = false;
  const watchdog = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HANG_MS);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (onPhase) for (const match of d.matchAll(/"phase":"([^"]+)"/g)) onPhase(match[1]!);
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<RunnerExit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      const phases: string[] = [];
      const errors: string[] = [];
      let summary: RunSummary | undefined;
      for (const line of stdout.split('\n')) {
        if (line === '') continue;
        const parsed = JSON.parse(line) as { phase?: string; error?: string; summary?: RunSummary };
        if (parsed.phase !== undefined) phases.push(parsed.phase);
        if (parsed.error !== undefined) errors.push(parsed.error);
        if (parsed.summary !== undefined) summary = parsed.summary;
      }
      resolve({ code, signal, phases, errors, stderr, ms: Date.now() - startedAt, ...(summary ? { summary } : {}), ...(hung ? { hung } : {}) });
    });
  });
  return { child, exited, kill: () => child.kill('SIGKILL') };
}

/** Runs to completion and fails loudly when the child crashed. */
export async function runToEnd(options: RunnerOptions, as?: { uid: number; gid: number }): Promise<RunnerExit & { summary: RunSummary }> {
  const exit = await startRunner(options, as).exited;
  if (exit.code !== 0 || exit.summary === undefined) {
    const why = exit.hung ? `hung for ${HANG_MS} ms (last phase ${exit.phases.at(-1) ?? 'startup'})` : `failed (code ${exit.code}, signal ${exit.signal})`;
    throw new Error(`sync run ${why}:\n${exit.stderr}`);
  }
  return exit as RunnerExit & { summary: RunSummary };
}

export interface WatchReport {
  readonly reads: number;
  readonly violations: Array<{ path: string; why: string }>;
}

export interface Watcher {
  stop(): Promise<WatchReport>;
}

export async function startWatcher(replica: string): Promise<Watcher> {
  const child = track(spawn(process.execPath, [WATCHER, replica], { stdio: ['ignore', 'pipe', 'inherit'] }));
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  await new Promise<void>((resolve, reject) => {
    const onData = (): void => {
      if (stdout.startsWith('ready\n')) resolve();
    };
    child.stdout.on('data', onData);
    child.on('exit', () => reject(new Error('watcher exited early')));
  });
  return {
    async stop() {
      const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
      child.kill('SIGTERM');
      await closed;
      const last = stdout.trim().split('\n').at(-1) ?? '';
      return JSON.parse(last) as WatchReport;
    },
  };
}
