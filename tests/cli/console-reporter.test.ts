import { describe, expect, it } from 'vitest';
import { ConsoleReporter } from '../../main/cli/console-reporter.js';
import type { RunSummary, SyncEvent } from '../../main/engine/types.js';

function setup(options: { tty: boolean; verbose?: boolean }) {
  const out: string[] = [];
  const err: string[] = [];
  let now = 0;
  const reporter = new ConsoleReporter({
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
    stdoutIsTty: options.tty,
    verbose: options.verbose ?? false,
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
    s.reporter.summary(summary);
    expect(s.out).toHaveLength(2);
    expect(s.out[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d sync started: \/s -> \/r\n$/);
    expect(s.out[1]).toMatch(/^summary done in 0\.1 s: 1 copied/);
  });

  it('throttles progress to one line a second on a terminal', () => {
    const s = setup({ tty: true });
    s.reporter.handle(start);
    progressEvery100ms(s, 3500);
    const progress = s.out.filter((l) => l.startsWith('progress'));
    expect(progress).toHaveLength(3);
    expect(progress[0]).toBe('progress 1000/3500 files, 1000.0 KiB of 3.4 MiB (28%)\n');
  });

  it('shows no progress in a pipe until the run has lasted more than 2 s', () => {
    const quick = setup({ tty: false });
    quick.reporter.handle(start);
    progressEvery100ms(quick, 1900);
    expect(quick.out.filter((l) => l.startsWith('progress'))).toHaveLength(0);
    const slow = setup({ tty: false });
    slow.reporter.handle(start);
    progressEvery100ms(slow, 4500);
    expect(slow.out.filter((l) => l.startsWith('progress'))).toHaveLength(3);
  });

  it('sends errors, warnings and refusals to stderr, and operations to stdout only with -v', () => {
    for (const verbose of [false, true]) {
      const s = setup({ tty: false, verbose });
      s.reporter.handle(start);
      s.reporter.handle({ type: 'op', op: 'copy', path: 'a' });
      s.reporter.handle({ type: 'op', op: 'error', path: 'b', detail: 'EIO' });
      s.reporter.handle({ type: 'warning', message: 'name not representable' });
      s.reporter.summary({ ...summary, status: 'refused', refusal: { reason: 'source-emptied', message: 'The source is empty.' } });
      expect(s.err).toEqual(['error   b: EIO\n', 'warning: name not representable\n', 'refused: The source is empty.\n']);
      expect(s.out.includes('copy    a\n')).toBe(verbose);
    }
  });

  it('prints the plan of a dry run once, one line per action', () => {
    const s = setup({ tty: false });
    s.reporter.handle({ ...start, dryRun: true });
    const actions = [
      { type: 'copy', path: 'path/to/file', size: 1 },
      { type: 'delete', path: 'old' },
    ] as const;
    s.reporter.handle({ type: 'plan', actions });
    s.reporter.summary({ ...summary, dryRun: true, actions });
    expect(s.out.slice(1, 3)).toEqual(['copy    path/to/file\n', 'delete  old\n']);
    expect(s.out).toHaveLength(4);
    // Without a plan event the summary's actions are printed instead.
    const t = setup({ tty: false });
    t.reporter.handle({ ...start, dryRun: true });
    t.reporter.summary({ ...summary, dryRun: true, actions });
    expect(t.out.slice(1, 3)).toEqual(['copy    path/to/file\n', 'delete  old\n']);
  });
});
