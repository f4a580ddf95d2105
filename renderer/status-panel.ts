/**
 * The status of the selected pair: state (an unplugged drive is waited for, not an error), last run, next run,
 * what the replica's file system can hold, warnings and the latest log lines.
 */
import { progressPercent } from '../main/shared/ipc-contract.js';
import type { PairStatusView, ProgressView, StatusView } from '../main/shared/ipc-contract.js';
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
  const progress = pair.progress === null ? '' : ` ${progressPercent(pair.progress)}%`;
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
  readonly stop = byId('stop-sync', HTMLButtonElement);
  private readonly progress = byId('status-progress', HTMLElement);
  private readonly bar = byId('progress-bar', HTMLProgressElement);
  private readonly progressText = byId('progress-text', HTMLElement);
  private readonly progressFile = byId('progress-file', HTMLElement);

  /** The bar by bytes, the command line's figures under it, and the file being copied. */
  private showProgress(progress: ProgressView | null): void {
    this.progress.hidden = progress === null;
    if (progress === null) return;
    this.bar.value = progressPercent(progress);
    this.bar.setAttribute('aria-valuetext', progress.text);
    showText(this.progressText, progress.text);
    showText(this.progressFile, progress.current);
  }
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
      this.stop.hidden = true;
      this.showProgress(null);
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
    this.stop.hidden = pair.state !== 'syncing';
    this.showProgress(pair.state === 'syncing' ? pair.progress : null);
  }
}
