/**
 * The status of the selected pair: state (an unplugged drive is waited for, not an error), last run, next run,
 * what the replica's file system can hold, warnings and the latest log lines.
 */
import type { PairStatusView, StatusView } from '../main/shared/ipc-contract.js';
import { byId, showText } from './dom.js';

const STATE_WORDS: Record<PairStatusView['state'], string> = {
  idle: 'Idle',
  syncing: 'Syncing…',
  error: 'The last sync had problems',
  paused: 'Paused (resume from the tray menu)',
  disabled: 'Disabled',
  waiting: 'Waiting',
};

function stateText(pair: PairStatusView): string {
  const waitingFor = pair.lastRun?.waitingFor ?? null;
  if (pair.state === 'waiting' && waitingFor !== null) return `Waiting — drive not connected: ${waitingFor}. It syncs as soon as the drive is back.`;
  const progress = pair.progress !== null && pair.progress.filesTotal > 0 ? ` ${pair.progress.filesDone} of ${pair.progress.filesTotal} files` : '';
  return `${STATE_WORDS[pair.state]}${pair.state === 'syncing' ? progress : ''}`;
}

const OUTCOME_WORDS = { ok: 'OK', partial: 'finished with errors', refused: 'refused', failed: 'failed' } as const;

function time(ms: number): string {
  return new Date(ms).toLocaleString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', month: 'short', day: 'numeric' });
}

export class StatusPanel {
  private readonly state = byId('status-state', HTMLElement);
  private readonly last = byId('status-last', HTMLElement);
  private readonly next = byId('status-next', HTMLElement);
  private readonly replicaFs = byId('status-fs', HTMLElement);
  private readonly warning = byId('status-warning', HTMLElement);
  private readonly log = byId('status-log', HTMLElement);
  readonly syncNow = byId('sync-now', HTMLButtonElement);
  private readonly banner = byId('app-warnings', HTMLElement);

  render(status: StatusView | null, pairId: string): void {
    const quitting = status?.quitting === true ? ['Finishing current sync… the app quits when it is done.'] : [];
    showText(this.banner, [...quitting, ...(status?.warnings ?? [])].join(' ') || null);
    const pair = status?.pairs.find((p) => p.id === pairId);
    if (pair === undefined) {
      showText(this.state, pairId === '' ? 'Not saved yet: save to start syncing.' : 'Not running yet.');
      showText(this.last, null);
      showText(this.next, null);
      showText(this.replicaFs, null);
      showText(this.warning, null);
      this.log.textContent = '';
      this.syncNow.disabled = true;
      return;
    }
    showText(this.state, `${stateText(pair)}${pair.changesPending ? ' · changes pending' : ''}`);
    showText(
      this.last,
      pair.lastRun === null ? 'Last run: none yet' : `Last run ${time(pair.lastRun.finishedAt)}: ${OUTCOME_WORDS[pair.lastRun.outcome]} — ${pair.lastRun.text}`,
    );
    // A waiting pair syncs when its drive is back: the interval's next run says nothing useful.
    showText(this.next, pair.nextRunAt === null || pair.state === 'waiting' ? null : `Next run: ${time(pair.nextRunAt)}`);
    showText(this.replicaFs, pair.replicaFs === null ? null : `Replica file system: ${pair.replicaFs}`);
    showText(this.warning, pair.warnings.length === 0 ? null : pair.warnings.map((w) => `⚠ ${w}`).join('\n'));
    this.log.textContent = pair.logLines.join('\n');
    this.log.scrollTop = this.log.scrollHeight;
    this.syncNow.disabled = pair.state === 'syncing' || status?.quitting === true;
  }
}
