/**
 * The tray app's composition root: the only place that hands Electron objects to the plain modules (settings
 * store, pairs controller, tray service, IPC handlers, quit coordinator). Kept to wiring; behaviour lives in
 * the modules it connects.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { app, dialog, ipcMain, Menu, Notification, powerMonitor, session, shell, Tray } from 'electron';
import type { MessageBoxOptions, OpenDialogOptions } from 'electron';
// The engine runs in a worker thread: planning a large tree must not freeze the tray's menu.
import { runSyncInWorker } from '../engine/index.js';
import { watchForChanges } from '../runner/watch.js';
import { Channel } from '../shared/ipc-contract.js';
import type { FolderField, PickFolderRequest } from '../shared/ipc-contract.js';
import { registerIpcHandlers } from '../ipc/register.js';
import { createOperationLog, LOG_FILE_NAME } from '../log.js';
import type { MenuAction } from '../tray/tray-model.js';
import { trayIconFile } from '../tray/icons.js';
import { TrayService } from '../tray/tray-service.js';
import { Autostart } from './autostart.js';
import { GO_AHEAD, HOLD_BACK, questionWords } from './deletion-question.js';
import { lockDownContents, lockDownSession } from './lock-down.js';
import { PairsController } from './pairs-controller.js';
import { pairStateDir } from './pair-state-dir.js';
import { RunHistory } from './run-history.js';
import { moveOnce } from './state-migration.js';
import { xdgStateDir } from '../shared/xdg-state.js';
import { QuitCoordinator } from './quit-coordinator.js';
import { FailureNotifier } from './run-notifier.js';
import { SettingsService } from './settings-service.js';
import { SettingsStore } from './settings-store.js';
import { SettingsWindow } from './settings-window.js';

export interface AppPaths {
  readonly page: string;
  readonly preload: string;
  /** Folder with idle.png, syncing.png, error.png, paused.png (and @2x). */
  readonly trayIcons: string;
  readonly appIcon: string;
}

const PICKER_TITLES: Record<FolderField, string> = {
  source: 'Choose the source folder',
  replica: 'Choose the replica folder',
  logDir: 'Choose the log folder',
  trashDir: 'Choose where deleted and overwritten files are kept',
};

function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

function positiveInteger(text: string | undefined): number | undefined {
  const value = Number(text);
  return text !== undefined && Number.isInteger(value) && value > 0 ? value : undefined;
}

export async function startTrayApp(paths: AppPaths): Promise<void> {
  // One settings folder whatever the app is called (productName "Folder Sync" packaged, "folder-sync" in a
  // checkout): ~/.config/folder-sync. Set before anything (the single-instance lock included) uses it.
  app.setPath('userData', path.join(app.getPath('appData'), 'folder-sync'));
  if (!app.requestSingleInstanceLock()) {
    // Another copy runs: it gets `second-instance` and opens its settings window.
    app.quit();
    return;
  }
  const settingsWindow = new SettingsWindow({ page: paths.page, preload: paths.preload, icon: paths.appIcon });
  app.on('second-instance', () => settingsWindow.open());
  // Closing the settings window leaves the app in the tray.
  app.on('window-all-closed', () => {});
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents));
  await app.whenReady();
  lockDownSession(session.defaultSession);

  const userData = app.getPath('userData');
  // Settings are configuration (~/.config/folder-sync); records, logs and history are state (~/.local/state).
  const stateRoot = xdgStateDir(process.env, app.getPath('home'));
  const stateDirFor = (pairId: string): string => pairStateDir(path.join(stateRoot, 'pairs'), pairId);
  const defaultLogDir = path.join(stateRoot, 'logs');
  const store = new SettingsStore(path.join(userData, 'settings.json'));
  // No settings file yet: a first start, which opens the window (a tray icon alone says nothing to a new user).
  const firstStart = !fs.existsSync(store.file);
  const startWarnings: string[] = [];
  let movedLogs = false;
  try {
    await moveOnce(path.join(userData, 'state'), path.join(stateRoot, 'pairs'));
    movedLogs = await moveOnce(path.join(userData, 'logs'), defaultLogDir);
  } catch (error) {
    startWarnings.push(`Records and logs could not be moved to ${stateRoot} (${error instanceof Error ? error.message : String(error)}).`);
  }
  const loaded = await store.load();
  if (movedLogs && loaded.settings.pairs.some((p) => p.logDir === path.join(userData, 'logs'))) {
    // Pairs that used the old default log folder follow it to its new place.
    const pairs = loaded.settings.pairs.map((p) => (p.logDir === path.join(userData, 'logs') ? { ...p, logDir: defaultLogDir } : p));
    await store.save({ ...loaded.settings, pairs });
  }
  const history = new RunHistory(path.join(stateRoot, 'history.json'));
  const historyWarning = await history.load();
  if (historyWarning !== null) startWarnings.push(historyWarning);

  const driveCheckMs = positiveInteger(process.env.FOLDER_SYNC_DRIVE_CHECK_MS);
  let render = (): void => {};
  const notifier = new FailureNotifier({
    enabled: () => store.settings.notifyOnFailure,
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    onClick: (pairId) => settingsWindow.open(pairId),
  });
  const controller = new PairsController({
    runSync: runSyncInWorker,
    openLog: createOperationLog,
    watch: watchForChanges,
    stateDirFor,
    history,
    // The CLI's variable: tests shorten the unplugged-drive check so they need not wait 10 s.
    ...(driveCheckMs === undefined ? {} : { driveCheckMs }),
    onChange: () => render(),
    confirm: async (pair, question, signal) => {
      const { message, detail } = questionWords(question, pair);
      // "Don't sync" is the default and what Escape or closing the box means: saying nothing deletes nothing.
      const options: MessageBoxOptions = { type: 'warning', title: 'Folder Sync', message, detail, buttons: [HOLD_BACK, GO_AHEAD], defaultId: 0, cancelId: 0, noLink: true, signal };
      const parent = settingsWindow.window;
      const answer = parent === null ? await dialog.showMessageBox(options) : await dialog.showMessageBox(parent, options);
      return answer.response === 1 && !signal.aborted;
    },
    onRunFinished: (pair, run) => void notifier.notify(pair, run),
  });
  for (const warning of [...(loaded.warning === null ? [] : [loaded.warning]), ...startWarnings]) {
    controller.addWarning(warning);
    process.stderr.write(`folder-sync: ${warning}\n`);
  }

  const quitter = new QuitCoordinator({
    // The last run's history entry is on disk before the app goes.
    shutdown: () => controller.shutdown().then(() => history.flush()),
    isBusy: () => controller.isBusy,
    onWaiting: () => notify('Folder Sync', 'Finishing current sync… Folder Sync quits when it is done.'),
    quit: () => app.quit(),
  });

  const openPath = async (target: string): Promise<void> => {
    const problem = await shell.openPath(target);
    if (problem !== '') dialog.showErrorBox('Folder Sync', `Could not open "${target}": ${problem}`);
  };

  /** Quit from the menu during a sync asks how: finish it first (the default), or stop it now. */
  const quitFromMenu = async (): Promise<void> => {
    // A run only waiting for an answer to its question has nothing to finish: quitting answers it no.
    if (controller.isWorking && !quitter.finishing) {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        title: 'Folder Sync',
        message: 'A sync is running.',
        detail: 'Finish it first and quit when it is done, or stop it now: the operation under way completes (nothing is left half-written) and the rest waits for the next run.',
        buttons: ['Finish first', 'Stop now', 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        noLink: true,
      });
      if (response === 2) return;
      if (response === 1) controller.stop(null);
    }
    app.quit();
  };

  const onAction = (action: MenuAction): void => {
    switch (action.kind) {
      case 'sync-all':
        return controller.syncNow(null);
      case 'sync-pair':
        return controller.syncNow(action.pairId);
      case 'pause':
        return controller.pause();
      case 'resume':
        return controller.resume();
      case 'stop':
        return controller.stop(null);
      case 'settings':
        return settingsWindow.open();
      case 'open-replica': {
        const pair = controller.pair(action.pairId);
        if (pair !== undefined) void openPath(pair.replica);
        return;
      }
      case 'open-log': {
        const pair = controller.pair(action.pairId);
        if (pair === undefined) return;
        const file = path.join(pair.logDir, LOG_FILE_NAME);
        void openPath(fs.existsSync(file) ? file : pair.logDir);
        return;
      }
      case 'quit':
        void quitFromMenu();
        return;
    }
  };

  const tray = new TrayService<Electron.Menu>(
    {
      createTray: (icon) => {
        const created = new Tray(icon);
        // A left click on the icon (Electron reports it on Linux where the panel supports it) opens the window.
        created.on('click', () => settingsWindow.open());
        return created;
      },
      buildMenu: (template) => Menu.buildFromTemplate(template),
      iconPath: (state) => trayIconFile(paths.trayIcons, state, process.env.XDG_CURRENT_DESKTOP),
    },
    onAction,
  );
  render = () => {
    const status = controller.status();
    tray.render(status);
    settingsWindow.send(Channel.StatusChanged, status);
  };

  const pickFolder = async (request: PickFolderRequest): Promise<string | null> => {
    const options: OpenDialogOptions = {
      title: PICKER_TITLES[request.field],
      properties: ['openDirectory', 'createDirectory'],
      ...(path.isAbsolute(request.current) ? { defaultPath: request.current } : {}),
    };
    const parent = settingsWindow.window;
    const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };

  const service = new SettingsService({
    store,
    controller,
    autostart: new Autostart({
      configDir: app.getPath('appData'),
      command: process.env.APPIMAGE !== undefined ? [process.env.APPIMAGE] : app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()],
    }),
    runSync: runSyncInWorker,
    stateDirFor,
    defaultLogDir,
    newId: () => randomUUID(),
    pickFolder,
  });
  registerIpcHandlers(ipcMain, (event) => settingsWindow.isTrustedSender(event), service);

  app.on('before-quit', (event) => {
    if (!quitter.mayQuit()) event.preventDefault();
  });
  // The session ending (logout, shutdown) sends SIGTERM: the same wait as Quit.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => app.quit());
  // Electron passes an event here although its typings do not say so; preventDefault delays the shutdown.
  powerMonitor.on('shutdown', (event?: { preventDefault(): void }) => {
    if (!quitter.mayQuit()) event?.preventDefault();
  });
  // Timers stood still while the machine slept: a run that fell due meanwhile starts now, not an interval later.
  powerMonitor.on('resume', () => controller.checkSchedules());

  controller.apply(store.settings.pairs);
  render();
  if (firstStart) settingsWindow.open();
}
