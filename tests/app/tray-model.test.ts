/** The tray derived from status alone: icon per state, status lines first, every action in the menu. */
import { describe, expect, it } from 'vitest';
import type { PairStatusView, StatusView } from '../../main/shared/ipc-contract.js';
import { trayModel } from '../../main/tray/tray-model.js';
import type { MenuEntry } from '../../main/tray/tray-model.js';
import { TrayService } from '../../main/tray/tray-service.js';
import type { MenuTemplateItem } from '../../main/tray/tray-service.js';

const time = (ms: number): string => `t${ms}`;

function pairStatus(id: string, extra: Partial<PairStatusView> = {}): PairStatusView {
  return {
    id,
    label: `${id} → backup`,
    state: 'idle',
    lastRun: { finishedAt: 1, outcome: 'ok', text: 'done', waitingFor: null, unrepresentable: 0 },
    nextRunAt: 2,
    changesPending: false,
    pairPaused: false,
    question: null,
    history: [],
    warnings: [],
    replicaFs: null,
    progress: null,
    logLines: [],
    ...extra,
  };
}

function status(extra: Partial<StatusView> = {}): StatusView {
  return { state: 'idle', paused: false, quitting: false, warnings: [], pairs: [pairStatus('docs')], ...extra };
}

const labels = (menu: readonly MenuEntry[]): string[] => menu.map((e) => (e.type === 'item' ? e.label : '---'));
const find = (menu: readonly MenuEntry[], label: string) => menu.find((e) => e.type === 'item' && e.label === label) as Extract<MenuEntry, { type: 'item' }> | undefined;

describe('trayModel', () => {
  it('puts the status and each pair first, as disabled lines, then every action', () => {
    const model = trayModel(status(), time);
    expect(labels(model.menu)).toEqual([
      'Folder Sync: up to date',
      'docs → backup: synced t1, next t2',
      '---',
      'Sync now',
      'Pause syncing',
      'Settings…',
      'Open replica folder',
      'Open log',
      '---',
      'Quit',
    ]);
    expect(model.menu.slice(0, 2).every((e) => e.type === 'item' && !e.enabled)).toBe(true);
    expect(model.icon).toBe('idle');
    expect(model.tooltip).toBe('Folder Sync: up to date\ndocs → backup: synced t1, next t2');
    expect(find(model.menu, 'Open replica folder')?.action).toEqual({ kind: 'open-replica', pairId: 'docs' });
  });

  it('offers per-pair submenus with several pairs, and shows progress, pending changes and warnings', () => {
    const model = trayModel(
      status({
        state: 'syncing',
        warnings: ['The settings file could not be used.'],
        pairs: [pairStatus('docs', { state: 'syncing', progress: { filesDone: 1, filesTotal: 4, bytesDone: 300 << 20, bytesTotal: 400 << 20, rate: null, etaSeconds: null, current: 'big.iso', text: '' } }), pairStatus('music', { changesPending: true, warnings: ['Watching stopped.'] })],
      }),
      time,
    );
    expect(model.icon).toBe('syncing');
    expect(labels(model.menu).slice(0, 5)).toEqual([
      // By bytes, not files: one large file is most of the work.
      'Syncing docs → backup… 75%',
      'docs → backup: syncing now',
      'music → backup: synced t1, next t2, changes pending',
      '⚠ The settings file could not be used.',
      '⚠ music → backup: Watching stopped.',
    ]);
    expect(find(model.menu, 'Sync one pair now')?.submenu?.map((e) => e.type === 'item' && e.action)).toEqual([
      { kind: 'sync-pair', pairId: 'docs' },
      { kind: 'sync-pair', pairId: 'music' },
    ]);
    expect(find(model.menu, 'Open log')?.submenu).toHaveLength(2);
    expect(find(model.menu, 'Stop syncing')).toMatchObject({ enabled: true, action: { kind: 'stop' } });
    expect(find(trayModel(status({ pairs: [pairStatus('docs')] }), time).menu, 'Stop syncing')).toBeUndefined();
  });

  it('while finishing a sync before quitting, says so and offers nothing that would start work', () => {
    const model = trayModel(status({ quitting: true, state: 'syncing', pairs: [pairStatus('docs', { state: 'syncing' })] }), time);
    expect(labels(model.menu)[0]).toBe('Finishing current sync…');
    for (const label of ['Sync now', 'Pause syncing', 'Settings…', 'Quitting after the current sync…']) expect(find(model.menu, label)?.enabled).toBe(false);
    // "Finish first" can still become "stop now".
    expect(find(model.menu, 'Stop syncing')?.enabled).toBe(true);
  });

  it('with no pairs, points to the settings and disables what needs a pair', () => {
    const model = trayModel(status({ pairs: [] }), time);
    expect(labels(model.menu)[0]).toBe('Folder Sync: no folders set up yet');
    for (const label of ['Sync now', 'Pause syncing', 'Open replica folder', 'Open log']) expect(find(model.menu, label)?.enabled).toBe(false);
    expect(find(model.menu, 'Settings…')?.enabled).toBe(true);
  });

  it('a pair waiting for its drive is not an error: idle icon, "drive not connected: <mount point>", no next run', () => {
    const waiting = pairStatus('docs', { state: 'waiting', lastRun: { finishedAt: 1, outcome: 'refused', text: 'replica drive not connected', waitingFor: '/media/u/USB', unrepresentable: 0 } });
    const model = trayModel(status({ pairs: [waiting, pairStatus('music')] }), time);
    expect(model.icon).toBe('idle');
    expect(labels(model.menu).slice(0, 3)).toEqual(['Folder Sync: waiting for a drive', 'docs → backup: drive not connected: /media/u/USB', 'music → backup: synced t1, next t2']);
    // Paused while waiting: both are said.
    const paused = trayModel(status({ paused: true, state: 'paused', pairs: [{ ...waiting, state: 'paused', nextRunAt: null }] }), time);
    expect(labels(paused.menu)[1]).toBe('docs → backup: drive not connected: /media/u/USB, paused');
    // Another pair's error still wins the headline and the icon (the controller's state says error).
    const withError = trayModel(status({ state: 'error', pairs: [waiting, pairStatus('music', { state: 'error' })] }), time);
    expect(withError.icon).toBe('error');
    expect(labels(withError.menu)[0]).toBe('Folder Sync: the last sync had problems');
  });

  it('entries the replica cannot hold are a warning line, not an error', () => {
    const model = trayModel(status({ pairs: [pairStatus('docs', { warnings: ['not representable on the replica: 3'] })] }), time);
    expect(model.icon).toBe('idle');
    expect(labels(model.menu).slice(0, 3)).toEqual(['Folder Sync: up to date', 'docs → backup: synced t1, next t2', '⚠ docs → backup: not representable on the replica: 3']);
    expect(model.tooltip.split('\n')).toContain('docs → backup: not representable on the replica: 3');
  });

  it('paused shows the paused icon and offers Resume', () => {
    const model = trayModel(status({ paused: true, state: 'paused', pairs: [pairStatus('docs', { state: 'paused', nextRunAt: null })] }), time);
    expect(model.icon).toBe('paused');
    expect(find(model.menu, 'Resume syncing')?.action).toEqual({ kind: 'resume' });
    expect(labels(model.menu)[1]).toBe('docs → backup: synced t1, paused');
  });
});

describe('TrayService', () => {
  it('rebuilds the menu on every change (Linux needs setContextMenu again), and only then', () => {
    const calls: string[] = [];
    let lastMenu: MenuTemplateItem[] = [];
    const actions: unknown[] = [];
    const service = new TrayService<MenuTemplateItem[]>(
      {
        createTray: (icon) => {
          calls.push(`create ${icon}`);
          return {
            setImage: (i) => calls.push(`image ${i}`),
            setToolTip: () => calls.push('tooltip'),
            setContextMenu: (menu) => {
              lastMenu = menu;
              calls.push('menu');
            },
            destroy: () => calls.push('destroy'),
          };
        },
        buildMenu: (template) => template,
        iconPath: (state) => `${state}.png`,
      },
      (action) => actions.push(action),
      time,
    );
    service.render(status());
    service.render(status());
    service.render(status({ paused: true, state: 'paused' }));
    expect(calls).toEqual(['create idle.png', 'tooltip', 'menu', 'image paused.png', 'tooltip', 'menu']);
    lastMenu.find((i) => i.label === 'Resume syncing')?.click?.();
    expect(actions).toEqual([{ kind: 'resume' }]);
  });
});
