/** Failure notifications: once per new failure, naming cause and pair; not for a drive that is simply unplugged. */
import { describe, expect, it } from 'vitest';
import { FailureNotifier } from '../../main/app/run-notifier.js';
import type { LastRunView, PairSettings } from '../../main/shared/ipc-contract.js';

const pair: PairSettings = {
  id: 'p1',
  source: '/home/u/Documents',
  replica: '/media/u/USB/Documents',
  interval: '1h',
  logDir: '/home/u/logs',
  excludes: [],
  watch: false,
  enabled: true,
  trash: { enabled: false, dir: '', keepDays: 30 },
  maxDelete: '',
};

function notifier(enabled = true) {
  const shown: { title: string; body: string }[] = [];
  const clicked: string[] = [];
  const clicks: (() => void)[] = [];
  const notifier = new FailureNotifier({
    enabled: () => enabled,
    isSupported: () => true,
    create: (options) => ({ on: (_event: 'click', listener: () => void) => clicks.push(listener), show: () => void shown.push(options) }),
    onClick: (pairId) => clicked.push(pairId),
  });
  return { notify: (p: PairSettings, r: LastRunView) => notifier.notify(p, r), shown, clicked, clicks };
}

const run = (extra: Partial<LastRunView>): LastRunView => ({ finishedAt: 1, outcome: 'ok', text: 'done', waitingFor: null, unrepresentable: 0, ...extra });
const full = run({
  outcome: 'partial',
  text: 'done in 2.0 s: 1 copied, 3 errors',
  counts: { copied: 1, updated: 0, moved: 0, deleted: 0, errors: 3, durationMs: 2000 },
  failures: [{ path: 'big.iso', cause: 'the drive is full' }, { path: 'b.iso', cause: 'the drive is full' }, { path: 'c.iso', cause: 'the drive is full' }],
});

describe('FailureNotifier', () => {
  it('notifies a refused or failed run, naming the pair', () => {
    const { notify, shown } = notifier();
    expect(notify(pair, run({ outcome: 'refused', text: 'The source is empty; nothing was deleted.' }))).toBe(true);
    expect(notify(pair, run({ outcome: 'failed', text: 'boom' }))).toBe(true);
    expect(shown).toEqual([
      { title: 'Sync refused: Documents → Documents', body: 'The source is empty; nothing was deleted.' },
      { title: 'Sync failed: Documents → Documents', body: 'boom' },
    ]);
  });

  it('names the cause in words, tells the same failure once until a run ends well, and a click opens that pair', () => {
    const { notify, shown, clicked, clicks } = notifier();
    expect(notify(pair, full)).toBe(true);
    expect(shown).toEqual([{ title: 'Sync finished with errors: Documents → Documents', body: 'The drive is full: big.iso and 2 more were not synced.' }]);
    expect(notify(pair, { ...full, finishedAt: 2 })).toBe(false);
    expect(notify(pair, { ...full, finishedAt: 3 })).toBe(false);
    // Another failure is news; so is the same one after a good run.
    expect(notify(pair, { ...full, failures: [{ path: 'big.iso', cause: 'permission denied' }], counts: { ...full.counts!, errors: 1 } })).toBe(true);
    expect(shown[1]?.body).toBe('Permission denied: big.iso was not synced.');
    expect(notify(pair, run({}))).toBe(false);
    expect(notify(pair, full)).toBe(true);
    clicks[0]!();
    expect(clicked).toEqual(['p1']);
  });

  it('stays quiet for a run that waits for an unplugged drive, for warnings only, and when switched off', () => {
    const { notify, shown } = notifier();
    expect(notify(pair, run({ outcome: 'refused', text: 'replica drive not connected', waitingFor: '/media/u/USB' }))).toBe(false);
    expect(notify(pair, run({ unrepresentable: 4 }))).toBe(false);
    const off = notifier(false);
    expect(off.notify(pair, run({ outcome: 'failed' }))).toBe(false);
    expect([...shown, ...off.shown]).toEqual([]);
  });
});
