/**
 * The window's first screen: one card per pair with what a user checks daily — its state (icon and words),
 * the last run in words ("12 minutes ago, 3 copied"), the next run, the progress of a run going on — and the
 * actions on it: Sync now, Pause/Resume, Stop, Edit. Cards are kept by pair id and updated in place, so a
 * status push (several a second during a run) never replaces a button under the pointer.
 */
import { progressPercent } from '../main/shared/ipc-contract.js';
import type { LastRunView, PairStatusView, RunCounts, StatusView } from '../main/shared/ipc-contract.js';
import { showText } from './dom.js';
import { stateIcon, type IconKind } from './state-icon.js';
import { ago, fromNow } from './time-words.js';

export interface CardActions {
  syncNow(pairId: string): void;
  pause(pairId: string, paused: boolean): void;
  stop(pairId: string): void;
  edit(pairId: string): void;
}

interface Card {
  readonly item: HTMLLIElement;
  readonly icon: HTMLElement;
  readonly title: HTMLElement;
  readonly state: HTMLElement;
  readonly last: HTMLElement;
  readonly next: HTMLElement;
  readonly progress: HTMLElement;
  readonly bar: HTMLProgressElement;
  readonly figures: HTMLElement;
  readonly failures: HTMLUListElement;
  readonly question: HTMLElement;
  readonly history: HTMLDetailsElement;
  readonly historyList: HTMLOListElement;
  readonly syncNow: HTMLButtonElement;
  readonly retry: HTMLButtonElement;
  readonly pause: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  kind: IconKind | null;
}

export function iconKind(pair: PairStatusView): IconKind {
  if (pair.question !== null) return 'question';
  switch (pair.state) {
    case 'syncing':
      return 'syncing';
    case 'waiting':
      return 'waiting';
    case 'paused':
      return 'paused';
    case 'disabled':
      return 'disabled';
    case 'error':
      return 'failed';
    case 'idle':
      return pair.lastRun === null ? 'new' : 'ok';
  }
}

export function stateWords(pair: PairStatusView): string {
  if (pair.question !== null) return 'Waiting for your answer';
  switch (pair.state) {
    case 'syncing':
      return pair.progress === null ? 'Syncing…' : `Syncing… ${progressPercent(pair.progress)}%`;
    case 'waiting':
      return `Waiting for the drive (${pair.lastRun?.waitingFor ?? 'not connected'})`;
    case 'paused':
      return 'Paused';
    case 'disabled':
      return 'Disabled';
    case 'error':
      return pair.lastRun?.outcome === 'refused' ? 'Needs your attention' : 'Failed';
    case 'idle':
      return pair.lastRun === null ? 'Not synced yet' : 'Up to date';
  }
}

/** "3 copied, 1 deleted", "nothing to change", "2 errors". */
export function countWords(counts: RunCounts): string {
  const parts = [
    counts.copied > 0 ? `${counts.copied} copied` : null,
    counts.updated > 0 ? `${counts.updated} updated` : null,
    counts.moved > 0 ? `${counts.moved} moved` : null,
    counts.deleted > 0 ? `${counts.deleted} deleted` : null,
    counts.errors > 0 ? `${counts.errors} error${counts.errors === 1 ? '' : 's'}` : null,
  ].filter((part) => part !== null);
  return parts.length === 0 ? 'nothing to change' : parts.join(', ');
}

/** "Last run 12 minutes ago, 3 copied", or with the run's own sentence when it did not run through. */
export function lastRunWords(lastRun: LastRunView | null, now: number): string {
  if (lastRun === null) return 'No run yet';
  const when = ago(lastRun.finishedAt, now);
  return `Last run ${when}, ${lastRun.counts === undefined ? lastRun.text : countWords(lastRun.counts)}`;
}

function seconds(ms: number): string {
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

export class PairCards {
  private readonly cards = new Map<string, Card>();

  constructor(
    private readonly list: HTMLUListElement,
    private readonly actions: CardActions,
  ) {}

  render(status: StatusView | null, now: number): void {
    const pairs = status?.pairs ?? [];
    for (const [id, card] of this.cards) {
      if (!pairs.some((p) => p.id === id)) {
        card.item.remove();
        this.cards.delete(id);
      }
    }
    const items = pairs.map((pair) => {
      const card = this.cards.get(pair.id) ?? this.create(pair.id);
      this.update(card, pair, status?.quitting === true, now);
      return card.item;
    });
    this.list.replaceChildren(...items);
  }

  /** Brings one pair's card into view and marks it (a clicked notification). */
  focus(pairId: string): void {
    for (const [id, card] of this.cards) card.item.classList.toggle('focused', id === pairId);
    this.cards.get(pairId)?.item.scrollIntoView({ block: 'nearest' });
  }

  private create(id: string): Card {
    const item = element('li', 'card');
    item.dataset.pairId = id;
    const icon = element('span', 'card-icon');
    const body = element('div', 'card-body');
    const title = element('h3', 'card-title');
    const state = element('p', 'card-state');
    const last = element('p', 'card-last');
    const next = element('p', 'card-next muted');
    const progress = element('div', 'progress');
    const bar = element('progress', '');
    bar.max = 100;
    bar.setAttribute('aria-label', 'Sync progress');
    const figures = element('p', 'card-figures muted');
    progress.append(bar, figures);
    const failures = element('ul', 'failures');
    failures.setAttribute('aria-label', 'What failed, and why');
    const history = element('details', 'history');
    const historyList = element('ol', '');
    history.append(element('summary', '', 'Recent runs'), historyList);
    const question = element('div', 'question');
    body.append(title, state, question, last, next, progress, failures, history);
    const buttons = element('div', 'card-actions');
    const syncNow = element('button', '', 'Sync now');
    const retry = element('button', 'primary', 'Retry');
    const pause = element('button', '', 'Pause');
    const stop = element('button', '', 'Stop');
    const edit = element('button', 'quiet', 'Edit…');
    for (const button of [retry, syncNow, pause, stop, edit]) button.type = 'button';
    syncNow.addEventListener('click', () => this.actions.syncNow(id));
    retry.addEventListener('click', () => this.actions.syncNow(id));
    pause.addEventListener('click', () => this.actions.pause(id, pause.dataset.paused !== 'true'));
    stop.addEventListener('click', () => this.actions.stop(id));
    edit.addEventListener('click', () => this.actions.edit(id));
    buttons.append(retry, syncNow, pause, stop, edit);
    item.append(icon, body, buttons);
    const card: Card = { item, icon, title, state, last, next, progress, bar, figures, failures, question, history, historyList, syncNow, retry, pause, stop, kind: null };
    this.cards.set(id, card);
    return card;
  }

  private update(card: Card, pair: PairStatusView, quitting: boolean, now: number): void {
    const kind = iconKind(pair);
    if (card.kind !== kind) {
      card.icon.replaceChildren(stateIcon(kind));
      card.kind = kind;
    }
    card.item.dataset.state = kind;
    card.title.textContent = pair.label;
    card.state.textContent = stateWords(pair);
    card.last.textContent = lastRunWords(pair.lastRun, now);
    // A waiting pair syncs when its drive is back; a paused or running one has no next run worth showing.
    const next = pair.nextRunAt !== null && (pair.state === 'idle' || pair.state === 'error') ? `Next run ${fromNow(pair.nextRunAt, now)}` : null;
    showText(card.next, next);
    const progress = pair.state === 'syncing' ? pair.progress : null;
    card.progress.hidden = progress === null;
    if (progress !== null) {
      card.bar.value = progressPercent(progress);
      showText(card.figures, progress.current === null ? progress.text : `${progress.text} — ${progress.current}`);
    }
    // The last run's failed entries, each with its cause in words.
    const failed = pair.state === 'error' ? (pair.lastRun?.failures ?? []) : [];
    card.failures.hidden = failed.length === 0;
    card.failures.replaceChildren(
      ...failed.map((failure) => {
        const line = element('li', '');
        if (failure.path !== '') line.append(element('span', 'failure-path', failure.path), ': ');
        line.append(failure.cause);
        return line;
      }),
    );
    // The message box asks; the card says the same, so a window left open shows why nothing moves.
    card.question.hidden = pair.question === null;
    card.question.replaceChildren(...(pair.question === null ? [] : [element('p', 'question-message', pair.question.message), element('p', '', pair.question.detail)]));
    card.history.hidden = pair.history.length === 0;
    card.historyList.replaceChildren(
      ...pair.history.map((run) => {
        const what = run.counts === undefined ? run.text : countWords(run.counts);
        return element('li', `run-${run.outcome}`, `${ago(run.finishedAt, now)}: ${what} (${seconds(run.durationMs)})`);
      }),
    );
    card.retry.hidden = pair.state !== 'error';
    card.retry.disabled = quitting;
    const running = pair.state === 'syncing';
    card.syncNow.hidden = pair.state === 'error';
    card.syncNow.disabled = running || quitting;
    card.stop.hidden = !running;
    card.pause.textContent = pair.pairPaused ? 'Resume' : 'Pause';
    card.pause.dataset.paused = String(pair.pairPaused);
    card.pause.disabled = quitting || pair.state === 'disabled';
  }
}
