import { describe, expect, it } from 'vitest';
import { ConsoleReporter } from '../../main/cli/console-reporter.js';
import type { RunSummary, SyncEvent } from '../../main/engine/types.js';

function setup(options: { tty: boolean; verbose?: boolean; quiet?: boolean; columns?: number }) {
  const out: string[] = [];
  const err: string[] = [];
  let now = 0;
  const reporter = new ConsoleReporter({
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    stdoutIsTty: options.tty,
    verbose: options.verbose ?? false,
    quiet: options.quiet ?? false,
    columns: () => options.columns,
    now: () => now,
  });
  return { reporter, out, err, setNow: (t: number) => (now = t) };
}

const summary: RunSummary = {
  status: 'ok',
  copied: 1,
  updated: 0,
  moved: 0,
  deleted: 0,
  created: 0,
  metadata: 0,
  skipped: 0,
  unrepresentable: 0,
  errors: 0,
  failures: [], undone: 0, aborted: false,
  bytesCopied: 10,
  durationMs: 100,
  dryRun: false,
};

const start: SyncEvent = { type: 'start', source: '/s', replica: '/r', dryRun: false };

function progressEvery100ms(s: ReturnType<typeof setup>, untilMs: number): void {
  for (let t = 0; t <= untilMs; t += 100) {
    s.setNow(t);
    s.reporter.handle({ type: 'progress', filesDone: t, filesTotal: untilMs, bytesDone: t * 1024, bytesTotal: untilMs * 1024 });
  }
}

describe('ConsoleReporter', () => {
  it('prints a start line and a summary line per run', () => {
    const s = setup({ tty: false });
    s.reporter.handle(start);
    s.reporter.summary(summary, false, undefined);
    expect(s.out).toHaveLength(2);
    expect(s.out[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d sync started: \/s -> \/r\n$/);
    expect(s.out[1]).toMatch(/^summary done in 0\.1 s: 1 copied/);
  });

  it('redraws one progress line in place on a terminal, at most every 200 ms, erased before the summary', () => {
    const s = setup({ tty: true });
    s.reporter.handle(start);
    progressEvery100ms(s, 3500);
    const redraws = s.out.filter((l) => l.startsWith('\r\x1b[K') && l.length > 4);
    expect(redraws).toHaveLength(18);
    for (const line of redraws) expect(line).not.toContain('\n');
    expect(redraws[0]).toBe('\r\x1b[K0 B of 3.4 MiB (0%), 0/3500 files');
    // After 1 s at 1 MiB/s: the rate and the time left appear.
    expect(redraws[5]).toBe('\r\x1b[K1000.0 KiB of 3.4 MiB (28%), 1000.0 KiB/s, 0:03 left, 1000/3500 files');
    s.reporter.summary(summary, false, undefined);
    expect(s.out.at(-2)).toBe('\r\x1b[K');
    expect(s.out.at(-1)).toMatch(/^summary done/);
  });

  it('cuts the line to the terminal width, the front of the path giving way', () => {
    const s = setup({ tty: true, columns: 61 });
    s.reporter.handle(start);
    s.reporter.handle({ type: 'progress', filesDone: 1, filesTotal: 2, bytesDone: 10, bytesTotal: 20, current: 'a/very/long/path/to/the/file/being/copied.bin' });
    expect(s.out.at(-1)).toBe('\r\x1b[K10 B of 20 B (50%), 1/2 files, …to/the/file/being/copied.bin');
    expect(s.out.at(-1)!.length - 4).toBe(60);
  });

  it('prints plain progress lines in a pipe, at most one every 5 s and none in the first 5 s', () => {
    const quick = setup({ tty: false });
    quick.reporter.handle(start);
    progressEvery100ms(quick, 4900);
    expect(quick.out.filter((l) => l.startsWith('progress'))).toHaveLength(0);
    const slow = setup({ tty: false });
    slow.reporter.handle(start);
    progressEvery100ms(slow, 16_000);
    const lines = slow.out.filter((l) => l.startsWith('progress'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('progress 4.9 MiB of 15.6 MiB (31%), 1000.0 KiB/s, 0:11 left, 5000/16000 files\n');
  });

  it('-q prints errors only', () => {
    const s = setup({ tty: true, quiet: true });
    s.reporter.handle(start);
    progressEvery100ms(s, 1000);
    s.reporter.handle({ type: 'op', op: 'skip', path: 'fifo', detail: 'not a regular file' });
    s.reporter.handle({ type: 'warning', message: 'something' });
    s.reporter.handle({ type: 'op', op: 'error', path: 'b', detail: 'EIO' });
    s.reporter.summary(summary, false, undefined);
    expect(s.out).toEqual([]);
    expect(s.err).toEqual(['error   b: EIO\n']);
  });

  it('names each skipped entry on stderr, 20 a run, then how many more and where they are logged', () => {
    const s = setup({ tty: false });
    s.reporter.handle(start);
    for (let i = 0; i < 25; i += 1) s.reporter.handle({ type: 'op', op: 'skip', path: `p${i}\u00c3\u00a9`, detail: 'a FIFO' });
    s.reporter.summary(summary, false, '/logs/folder-sync.log');
    expect(s.err).toHaveLength(21);
    expect(s.err[0]).toBe('warning: p0é: a FIFO\n');
    expect(s.err[20]).toBe('warning: … and 5 more (see /logs/folder-sync.log)\n');
    // The count starts again with each run.
    s.reporter.handle(start);
    s.reporter.handle({ type: 'op', op: 'skip', path: 'x', detail: 'a socket' });
    expect(s.err.at(-1)).toBe('warning: x: a socket\n');
  });

  it('with -v, prints statistics after the summary', () => {
    const s = setup({ tty: false, verbose: true });
    s.reporter.handle(start);
    const stats = { sourceEntries: 3002, replicaEntries: 7, bytesRead: 2048, stageMs: { scanSource: 120, scanReplica: 80, loadRecord: 1, triage: 2, plan: 3, execute: 4500, saveRecord: 5 } };
    s.reporter.summary({ ...summary, stats }, false, undefined);
    expect(s.out.slice(-2)).toEqual([
      'stats   entries scanned: 3002 in the source, 7 in the replica; read 2.0 KiB\n',
      'stats   time per stage: scan source 120 ms, scan replica 80 ms, load record 1 ms, triage 2 ms, plan 3 ms, execute 4.5 s, save record 5 ms\n',
    ]);
  });

  it('sends errors, warnings and refusals to stderr, and operations to stdout only with -v', () => {
    for (const verbose of [false, true]) {
      const s = setup({ tty: false, verbose });
      s.reporter.handle(start);
      s.reporter.handle({ type: 'op', op: 'copy', path: 'a' });
      s.reporter.handle({ type: 'op', op: 'error', path: 'b', detail: 'EIO' });
      s.reporter.handle({ type: 'warning', message: 'name not representable' });
      s.reporter.summary({ ...summary, status: 'refused', refusal: { reason: 'source-emptied', message: 'The source is empty.' } }, false, undefined);
      expect(s.err).toEqual(['error   b: EIO\n', 'warning: name not representable\n', 'refused: The source is empty.\n']);
      expect(s.out.includes('copy    a\n')).toBe(verbose);
    }
  });

  it('prints the plan of a dry run once, one line per action', () => {
    const s = setup({ tty: false });
    s.reporter.handle({ ...start, dryRun: true });
    const actions = [
      { type: 'copy', path: 'path/to/file', size: 1, why: 'new file' },
      { type: 'delete', path: 'old', why: 'not in the source' },
    ] as const;
    s.reporter.handle({ type: 'plan', actions });
    s.reporter.summary({ ...summary, dryRun: true, actions }, false, undefined);
    expect(s.out.slice(1, 3)).toEqual(['copy    path/to/file (new file)\n', 'delete  old (not in the source)\n']);
    expect(s.out).toHaveLength(4);
    // Without a plan event the summary's actions are printed instead.
    const t = setup({ tty: false });
    t.reporter.handle({ ...start, dryRun: true });
    t.reporter.summary({ ...summary, dryRun: true, actions }, false, undefined);
    expect(t.out.slice(1, 3)).toEqual(['copy    path/to/file (new file)\n', 'delete  old (not in the source)\n']);
  });
});
