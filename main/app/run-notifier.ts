/** A desktop notification for a run that did not end well, when the user wants them. */
import type { LastRunView, PairSettings } from '../shared/ipc-contract.js';
import { pairLabel } from './pair-label.js';

export interface NotificationLike {
  show(): void;
}

export interface NotifierDeps {
  isSupported(): boolean;
  create(options: { title: string; body: string }): NotificationLike;
  enabled(): boolean;
}

const TITLES = { partial: 'Sync finished with errors', refused: 'Sync refused', failed: 'Sync failed' } as const;

export function notifyIfFailed(deps: NotifierDeps, pair: PairSettings, run: LastRunView): boolean {
  // An unplugged drive is waited for, not a failure: a notice every interval until it is back would be noise.
  if (run.outcome === 'ok' || run.waitingFor !== null || !deps.enabled() || !deps.isSupported()) return false;
  deps.create({ title: `${TITLES[run.outcome]}: ${pairLabel(pair)}`, body: run.text }).show();
  return true;
}
