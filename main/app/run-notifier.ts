/**
 * Desktop notifications for runs that did not end well, when the user wants them: once per new failure (the same
 * full drive at every hourly run is told once, until a run succeeds or the failure changes), naming the pair and
 * the cause in words; clicking one opens the window on that pair. An unplugged drive is waited for, not a failure.
 */
import type { LastRunView, PairSettings } from '../shared/ipc-contract.js';
import { pairLabel } from './pair-label.js';

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotifierDeps {
  isSupported(): boolean;
  create(options: { title: string; body: string }): NotificationLike;
  enabled(): boolean;
  /** The notification about this pair was clicked. */
  onClick?(pairId: string): void;
}

const TITLES = { partial: 'Sync finished with errors', refused: 'Sync refused', failed: 'Sync failed' } as const;

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "The drive is full: big.iso and 2 more were not synced." — or the run's own sentence when no entry is named. */
export function failureBody(run: LastRunView): string {
  const failures = run.failures ?? [];
  const first = failures[0];
  if (run.outcome !== 'partial' || first === undefined) return run.text;
  const errors = Math.max(run.counts?.errors ?? failures.length, failures.length);
  const what = first.path === '' ? 'the sync stopped' : `${first.path}${errors > 1 ? ` and ${errors - 1} more` : ''} ${errors > 1 ? 'were' : 'was'} not synced`;
  return `${capitalised(first.cause)}: ${what}.`;
}

/** What makes a failure "the same" as the last one told: its entries and causes, or its sentence. */
function signature(run: LastRunView): string {
  const failures = run.failures ?? [];
  if (failures.length === 0) return `${run.outcome}\n${run.text}`;
  return `${run.outcome}\n${failures.map((f) => `${f.path}\u0000${f.cause}`).sort().join('\n')}`;
}

export class FailureNotifier {
  /** Per pair, the failure last told; forgotten when a run ends well, so the next failure is news again. */
  private readonly told = new Map<string, string>();

  constructor(private readonly deps: NotifierDeps) {}

  /** Returns true when a notification was shown. */
  notify(pair: PairSettings, run: LastRunView): boolean {
    if (run.outcome === 'ok' || run.waitingFor !== null) {
      this.told.delete(pair.id);
      return false;
    }
    const key = signature(run);
    if (this.told.get(pair.id) === key) return false;
    this.told.set(pair.id, key);
    if (!this.deps.enabled() || !this.deps.isSupported()) return false;
    const notification = this.deps.create({ title: `${TITLES[run.outcome]}: ${pairLabel(pair)}`, body: failureBody(run) });
    notification.on('click', () => this.deps.onClick?.(pair.id));
    notification.show();
    return true;
  }
}
