/**
 * The fake's remote control, for the real main entry running as a child process: the test sends commands
 * over the Node IPC channel (snapshot, click a tray menu item, invoke an IPC handler as the settings page,
 * queue a folder-picker answer, emit an app event, quit) and hears back pushes to the page and the exit.
 */
import { writeFileSync } from 'node:fs';
import { app, BrowserWindow, fake, findMenuItem, ipcMain, Notification, powerMonitor, snapshot, toJson, Tray } from './electron.js';
import type { Json } from './electron.js';

export type RemoteCommand =
  | { readonly cmd: 'snapshot' }
  | { readonly cmd: 'click'; readonly path: readonly string[] }
  | { readonly cmd: 'invoke'; readonly channel: string; readonly args: readonly unknown[]; readonly windowId?: number; readonly url?: string }
  | { readonly cmd: 'dialog'; readonly result: { canceled: boolean; filePaths: string[] } }
  | { readonly cmd: 'message-box'; readonly response: number }
  | { readonly cmd: 'notification-click'; readonly index: number }
  | { readonly cmd: 'app-emit'; readonly event: string; readonly args: readonly unknown[] }
  /** What the desktop does: a click on the tray icon, the system resuming from suspend. */
  | { readonly cmd: 'tray-emit'; readonly event: string }
  | { readonly cmd: 'power-emit'; readonly event: string }
  /** The wall clock (Date.now) jumps ahead while timers stand still, as across a suspend. */
  | { readonly cmd: 'suspend'; readonly ms: number }
  | { readonly cmd: 'close-window'; readonly windowId: number }
  | { readonly cmd: 'navigate'; readonly windowId: number; readonly url: string }
  | { readonly cmd: 'quit' };

export type RemoteRequest = RemoteCommand & { readonly id: number };

export type RemoteMessage =
  | { readonly type: 'reply'; readonly id: number; readonly ok: true; readonly result: Json }
  | { readonly type: 'reply'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly type: 'push'; readonly windowId: number; readonly channel: string; readonly args: Json[] }
  | { readonly type: 'exit'; readonly code: number };

function windowById(id: number | undefined): BrowserWindow {
  const win = id === undefined ? BrowserWindow.getAllWindows().at(-1) : BrowserWindow.instances.find((w) => w.id === id);
  if (win === undefined || win.isDestroyed()) throw new Error(`No open window${id === undefined ? '' : ` ${id}`}.`);
  return win;
}

async function run(command: RemoteCommand): Promise<Json> {
  switch (command.cmd) {
    case 'snapshot':
      return snapshot();
    case 'click': {
      const tray = Tray.instances.filter((t) => !t.destroyed).at(-1);
      if (tray?.menu == null) throw new Error('No tray with a context menu.');
      const item = findMenuItem(tray.menu, command.path);
      if (!item.enabled) throw new Error(`Menu item "${command.path.join(' › ')}" is disabled.`);
      if (item.click === undefined) throw new Error(`Menu item "${command.path.join(' › ')}" does nothing.`);
      item.click(item, undefined, {});
      return true;
    }
    case 'invoke': {
      // As Electron does for ipcRenderer.invoke from a page: the event names the page's webContents and frame.
      const win = command.windowId === undefined && command.url !== undefined ? undefined : windowById(command.windowId);
      const event = { sender: win?.webContents ?? null, senderFrame: { url: command.url ?? win?.webContents.url ?? '' }, processId: 1, frameId: 1 };
      return toJson(await ipcMain.invoke(command.channel, event, ...command.args));
    }
    case 'dialog':
      fake.dialogResults.push(command.result);
      return true;
    case 'notification-click': {
      // As the desktop does when the user clicks a notification.
      const notification = Notification.instances[command.index];
      if (notification === undefined) throw new Error(`No notification ${command.index}.`);
      notification.emit('click', {});
      return true;
    }
    case 'message-box':
      fake.answerMessageBox(command.response);
      return true;
    case 'app-emit':
      app.emit(command.event, { preventDefault() {} }, ...command.args);
      return true;
    case 'tray-emit': {
      const tray = Tray.instances.filter((t) => !t.destroyed).at(-1);
      if (tray === undefined) throw new Error('No tray.');
      // Electron passes the click's event and the icon's bounds.
      tray.emit(command.event, { preventDefault() {} }, { x: 0, y: 0, width: 24, height: 24 });
      return true;
    }
    case 'power-emit':
      powerMonitor.emit(command.event, { preventDefault() {} });
      return true;
    case 'suspend': {
      const wallClock = Date.now;
      Date.now = () => wallClock() + command.ms;
      return true;
    }
    case 'close-window':
      windowById(command.windowId).close();
      return true;
    case 'navigate': {
      const contents = windowById(command.windowId).webContents;
      return { navigated: contents.tryNavigate(command.url), windowOpen: contents.tryOpenWindow(command.url) };
    }
    case 'quit':
      app.quit();
      return true;
  }
}

export function installRemoteControl(): void {
  const send = process.send?.bind(process);
  if (send === undefined) return;
  fake.onSend = (windowId, channel, args) => {
    send({ type: 'push', windowId, channel, args: args.map((a) => toJson(a)) } satisfies RemoteMessage);
  };
  fake.terminate = (code) => {
    fake.exitCode = code;
    // A process that ends on its own (second instance, headless run) leaves its record for the test.
    const recordFile = process.env.FAKE_ELECTRON_RECORD_FILE;
    if (recordFile !== undefined && recordFile !== '') writeFileSync(recordFile, JSON.stringify(snapshot()));
    // Report first, so the test knows the code came from app.quit()/app.exit() and not from a crash.
    send({ type: 'exit', code } satisfies RemoteMessage, () => process.exit(code));
  };
  process.on('message', (raw: RemoteRequest) => {
    run(raw).then(
      (result) => send({ type: 'reply', id: raw.id, ok: true, result } satisfies RemoteMessage),
      (error: unknown) => send({ type: 'reply', id: raw.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies RemoteMessage),
    );
  });
  // The parent going away ends the child, as closing a terminal would.
  process.on('disconnect', () => process.exit(0));
}
