/**
 * The whole tray — icon, tooltip and menu — derived from the status alone (after Signal's SystemTrayService
 * `render()`). Plain data: the tray service turns it into Electron objects, tests read it directly.
 *
 * Linux indicator hosts show no tooltip and ignore clicks on the icon, so everything the tooltip says is also
 * in the menu (disabled lines at the top) and every action is a menu item.
 */
import { progressPercent } from '../shared/ipc-contract.js';
import type { PairStatusView, StatusView, TrayState } from '../shared/ipc-contract.js';

export type MenuAction =
  | { readonly kind: 'sync-all' }
  | { readonly kind: 'sync-pair'; readonly pairId: string }
  | { readonly kind: 'pause' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'settings' }
  | { readonly kind: 'open-replica'; readonly pairId: string }
  | { readonly kind: 'open-log'; readonly pairId: string }
  | { readonly kind: 'quit' };

export type MenuEntry =
  | { readonly type: 'separator' }
  | {
      readonly type: 'item';
      readonly label: string;
      readonly enabled: boolean;
      readonly action?: MenuAction;
      readonly submenu?: readonly MenuEntry[];
    };

export interface TrayModel {
  readonly icon: TrayState;
  readonly tooltip: string;
  readonly menu: readonly MenuEntry[];
}

export type TimeFormat = (ms: number) => string;

const SEPARATOR: MenuEntry = { type: 'separator' };

function item(label: string, enabled: boolean, action?: MenuAction, submenu?: readonly MenuEntry[]): MenuEntry {
  return { type: 'item', label, enabled, ...(action === undefined ? {} : { action }), ...(submenu === undefined ? {} : { submenu }) };
}

function headline(status: StatusView): string {
  const syncing = status.pairs.filter((p) => p.state === 'syncing');
  if (status.quitting) return syncing.length > 0 ? 'Finishing current sync…' : 'Quitting…';
  if (status.pairs.length === 0) return 'Folder Sync: no folders set up yet';
  if (syncing.length > 0) {
    const first = syncing[0]!;
    const progress = first.progress === null ? '' : ` ${progressPercent(first.progress)}%`;
    return syncing.length === 1 ? `Syncing ${first.label}…${progress}` : `Syncing ${syncing.length} pairs…`;
  }
  if (status.paused) return 'Folder Sync: paused';
  if (status.state === 'error') return 'Folder Sync: the last sync had problems';
  if (status.pairs.some((p) => p.state === 'waiting')) return 'Folder Sync: waiting for a drive';
  return 'Folder Sync: up to date';
}

const OUTCOME_WORDS = { ok: 'synced', partial: 'finished with errors', refused: 'refused', failed: 'failed' } as const;

/** One pair in one line: what the tooltip would say. */
export function pairLine(pair: PairStatusView, time: TimeFormat): string {
  const parts: string[] = [];
  const waitingFor = pair.lastRun?.waitingFor ?? null;
  if (pair.state === 'syncing') parts.push('syncing now');
  else if (waitingFor !== null) parts.push(`drive not connected: ${waitingFor}`);
  else if (pair.lastRun !== null) parts.push(`${OUTCOME_WORDS[pair.lastRun.outcome]} ${time(pair.lastRun.finishedAt)}`);
  else parts.push('not synced yet');
  if (pair.state === 'disabled') parts.push('disabled');
  else if (pair.state === 'paused') parts.push('paused');
  // A waiting pair syncs when its drive is back, not at a time worth showing.
  else if (pair.nextRunAt !== null && pair.state !== 'syncing' && pair.state !== 'waiting') parts.push(`next ${time(pair.nextRunAt)}`);
  if (pair.changesPending) parts.push('changes pending');
  return `${pair.label}: ${parts.join(', ')}`;
}

/** An action per pair: a plain item for one pair, a submenu for several. */
function perPair(label: string, pairs: readonly PairStatusView[], enabled: boolean, action: (id: string) => MenuAction): MenuEntry {
  if (pairs.length === 0) return item(label, false);
  if (pairs.length === 1) return item(label, enabled, action(pairs[0]!.id));
  return item(label, enabled, undefined, pairs.map((p) => item(p.label, enabled, action(p.id))));
}

export function trayModel(status: StatusView, time: TimeFormat): TrayModel {
  const lines = status.pairs.map((p) => pairLine(p, time));
  const warnings = [...status.warnings, ...status.pairs.flatMap((p) => p.warnings.map((w) => `${p.label}: ${w}`))];
  const open = !status.quitting;
  const hasPairs = status.pairs.length > 0;
  const menu: MenuEntry[] = [
    item(headline(status), false),
    ...lines.map((line) => item(line, false)),
    ...warnings.map((w) => item(`⚠ ${w}`, false)),
    SEPARATOR,
    item('Sync now', open && hasPairs, { kind: 'sync-all' }),
  ];
  if (status.pairs.length > 1) {
    menu.push(item('Sync one pair now', open, undefined, status.pairs.map((p) => item(p.label, open, { kind: 'sync-pair', pairId: p.id }))));
  }
  // A running sync stops between two operations; the rest waits for the next run. Offered while quitting too:
  // "finish first" can still become "stop now".
  if (status.pairs.some((p) => p.state === 'syncing')) menu.push(item('Stop syncing', true, { kind: 'stop' }));
  menu.push(
    status.paused ? item('Resume syncing', open, { kind: 'resume' }) : item('Pause syncing', open && hasPairs, { kind: 'pause' }),
    item('Settings…', open, { kind: 'settings' }),
    perPair('Open replica folder', status.pairs, true, (pairId) => ({ kind: 'open-replica', pairId })),
    perPair('Open log', status.pairs, true, (pairId) => ({ kind: 'open-log', pairId })),
    SEPARATOR,
    item(status.quitting ? 'Quitting after the current sync…' : 'Quit', open, { kind: 'quit' }),
  );
  const tooltip = [headline(status), ...lines, ...warnings].join('\n');
  return { icon: status.state, tooltip, menu };
}
