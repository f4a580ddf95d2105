/** Runs tests/helpers/fault-loop.mjs (the periodic loop over a churning source) and sums up what it measured. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './tree.js';

export interface LoopReport {
  readonly runs: number;
  readonly failures: number;
  readonly samples: Array<{ run: number; heap: number; rss: number; fds: number }>;
  /** Per run: ms later than `interval` after the previous start. */
  readonly lateness: number[];
}

export function runLoop(runs: number, intervalMs: number): LoopReport {
  const root = tempDir('fs-loop-');
  try {
    const out = execFileSync(process.execPath, ['--expose-gc', path.resolve('tests/helpers/fault-loop.mjs'), JSON.stringify({ root, runs, intervalMs })], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return JSON.parse(out.trim().split('\n').at(-1)!) as LoopReport;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Growth from the second fifth of the samples (after warm-up) to the last fifth, of heap, RSS and descriptors. */
export function growth(report: LoopReport): { heap: number; rss: number; fds: number; lateEarly: number; lateLate: number } {
  const fifth = Math.max(1, Math.floor(report.samples.length / 5));
  const early = report.samples.slice(fifth, 2 * fifth);
  const late = report.samples.slice(-fifth);
  const lateFifth = Math.max(1, Math.floor(report.lateness.length / 5));
  return {
    heap: mean(late.map((s) => s.heap)) - mean(early.map((s) => s.heap)),
    rss: mean(late.map((s) => s.rss)) - mean(early.map((s) => s.rss)),
    fds: Math.max(...late.map((s) => s.fds)) - Math.max(...early.map((s) => s.fds)),
    lateEarly: mean(report.lateness.slice(0, lateFifth)),
    lateLate: mean(report.lateness.slice(-lateFifth)),
  };
}
