/** Failure notifications: sent for runs that went wrong, not for a drive that is simply unplugged. */
import { describe, expect, it } from 'vitest';
import { notifyIfFailed } from '../../main/app/run-notifier.js';
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
  const deps = { enabled: () => enabled, isSupported: () => true, create: (options: { title: string; body: string }) => ({ show: () => void shown.push(options) }) };
  return { deps, shown };
}

const run = (extra: Partial<LastRunView>): LastRunView => ({ finishedAt: 1, outcome: 'ok', text: 'done', waitingFor: null, unrepresentable: 0, ...extra });

describe('notifyIfFailed', () => {
  it('notifies a refused or failed run, naming the pair', () => {
    const { deps, shown } = notifier();
    expect(notifyIfFailed(deps, pair, run({ outcome: 'refused', text: 'The source is empty; nothing was deleted.' }))).toBe(true);
    expect(notifyIfFailed(deps, pair, run({ outcome: 'failed', text: 'boom' }))).toBe(true);
    expect(shown).toEqual([
      { title: 'Sync refused: Documents → Documents', body: 'The source is empty; nothing was deleted.' },
      { title: 'Sync failed: Documents → Documents', body: 'boom' },
    ]);
  });

  it('stays quiet for a run that waits for an unplugged drive, for warnings only, and when switched off', () => {
    const { deps, shown } = notifier();
    expect(notifyIfFailed(deps, pair, run({ outcome: 'refused', text: 'replica drive not connected', waitingFor: '/media/u/USB' }))).toBe(false);
    expect(notifyIfFailed(deps, pair, run({ unrepresentable: 4 }))).toBe(false);
    const off = notifier(false);
    expect(notifyIfFailed(off.deps, pair, run({ outcome: 'failed' }))).toBe(false);
    expect([...shown, ...off.shown]).toEqual([]);
  });
});
