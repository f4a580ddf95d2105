/**
 * One recording fake of the whole `electron` module (after Electron Fiddle's tests/mocks/electron.ts), for
 * running the real main entry on plain Node. It records what the app does — trays and their menus, windows
 * and their options, dialogs, shell calls, notifications, IPC handlers, quit and exit — and lets a test drive
 * what a user or the desktop would: menu clicks, IPC calls from the page, `second-instance`, quit.
 *
 * It behaves like Electron where the app depends on it: `app.quit()` emits a preventable `before-quit`, then
 * closes windows, emits `will-quit` and `quit` and ends the process; closing the last window emits
 * `window-all-closed` (quitting when nobody listens); the single-instance lock is a real lock shared between
 * processes (a lock file plus a message folder in userData), so a second launch really talks to the first.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Plain data only, so a record can cross to the test process. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJson(value: unknown, depth = 0): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'function') return '[function]';
  if (depth > 6) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1));
  if (value instanceof FakeWebContents) return `[webContents ${value.id}]`;
  if (value instanceof BrowserWindow) return `[window ${value.id}]`;
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = toJson(v, depth + 1);
    return out;
  }
  return String(value);
}

export interface CallRecord {
  readonly seq: number;
  readonly api: string;
  readonly args: Json[];
}

/** Everything recorded, plus the knobs a test turns. */
export const fake = {
  calls: [] as CallRecord[],
  /** Results for the next showOpenDialog calls, oldest first; empty means "the user cancelled". */
  dialogResults: [] as { canceled: boolean; filePaths: string[] }[],
  /** Answers (button indexes) for message boxes not yet shown; a box shown with none queued waits for one. */
  messageBoxAnswers: [] as number[],
  /** Message boxes open, oldest first, each waiting for its answer. */
  messageBoxWaiters: [] as ((response: number) => void)[],
  /** Answers the oldest open message box, or queues the answer for the next one. */
  answerMessageBox(response: number): void {
    const waiter = this.messageBoxWaiters.shift();
    if (waiter === undefined) this.messageBoxAnswers.push(response);
    else waiter(response);
  },
  /** How the process ends (the remote control sets this to report, then exit). */
  terminate: (code: number): void => {
    fake.exitCode = code;
  },
  exitCode: null as number | null,
  /** Called for every webContents.send, so a test can forward pushes to a page. */
  onSend: undefined as ((windowId: number, channel: string, args: unknown[]) => void) | undefined,
  record(api: string, ...args: unknown[]): void {
    fake.calls.push({ seq: fake.calls.length + 1, api, args: args.map((a) => toJson(a)) });
  },
};

class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

function emitPreventable(emitter: EventEmitter, name: string, ...args: unknown[]): boolean {
  const event = new FakeEvent();
  emitter.emit(name, event, ...args);
  return !event.defaultPrevented;
}

// ---------------------------------------------------------------- nativeImage

export class NativeImage {
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return this.path === '' || !fs.existsSync(this.path);
  }
  toJSON(): Json {
    return { nativeImage: this.path };
  }
}

export const nativeImage = {
  createFromPath: (p: string): NativeImage => new NativeImage(p),
  createEmpty: (): NativeImage => new NativeImage(''),
};

function imagePath(image: unknown): string {
  return image instanceof NativeImage ? image.path : String(image);
}

// ---------------------------------------------------------------- Menu

export interface MenuItemOptions {
  label?: string;
  type?: string;
  enabled?: boolean;
  visible?: boolean;
  checked?: boolean;
  id?: string;
  click?: (item: MenuItem, window: BrowserWindow | undefined, event: unknown) => void;
  submenu?: MenuItemOptions[] | Menu;
  role?: string;
}

export class MenuItem {
  readonly label: string;
  readonly type: string;
  enabled: boolean;
  visible: boolean;
  checked: boolean;
  readonly id: string | undefined;
  readonly click: ((item: MenuItem, window: BrowserWindow | undefined, event: unknown) => void) | undefined;
  readonly submenu: Menu | undefined;

  constructor(options: MenuItemOptions) {
    this.label = options.label ?? '';
    this.submenu = options.submenu === undefined ? undefined : options.submenu instanceof Menu ? options.submenu : Menu.buildFromTemplate(options.submenu);
    this.type = options.type ?? (this.submenu !== undefined ? 'submenu' : 'normal');
    this.enabled = options.enabled ?? true;
    this.visible = options.visible ?? true;
    this.checked = options.checked ?? false;
    this.id = options.id;
    this.click = options.click;
  }

  toJSON(): Json {
    return {
      label: this.label,
      type: this.type,
      enabled: this.enabled,
      visible: this.visible,
      checked: this.checked,
      hasClick: this.click !== undefined,
      submenu: this.submenu === undefined ? null : this.submenu.items.map((i) => i.toJSON()),
    };
  }
}

export class Menu {
  readonly items: MenuItem[] = [];

  static buildFromTemplate(template: MenuItemOptions[]): Menu {
    const menu = new Menu();
    for (const options of template) menu.append(new MenuItem(options));
    return menu;
  }

  static setApplicationMenu(menu: Menu | null): void {
    fake.record('Menu.setApplicationMenu', menu === null ? null : menu.items.map((i) => i.toJSON()));
  }

  append(item: MenuItem): void {
    this.items.push(item);
  }

  popup(): void {
    fake.record('Menu.popup');
  }
}

/** Follows a path of labels through nested menus. */
export function findMenuItem(menu: Menu, labels: readonly string[]): MenuItem {
  let current: Menu | undefined = menu;
  let found: MenuItem | undefined;
  for (const label of labels) {
    found = current?.items.find((i) => i.label === label);
    if (found === undefined) {
      const offered = current?.items.map((i) => i.label).filter((l) => l !== '') ?? [];
      throw new Error(`No menu item "${label}" (items: ${offered.join(' | ')}).`);
    }
    current = found.submenu;
  }
  if (found === undefined) throw new Error('Empty menu path.');
  return found;
}

// ---------------------------------------------------------------- Tray

export class Tray extends EventEmitter {
  static readonly instances: Tray[] = [];
  image: string;
  tooltip = '';
  title = '';
  menu: Menu | null = null;
  menuVersions = 0;
  destroyed = false;

  constructor(image: NativeImage | string) {
    super();
    this.image = imagePath(image);
    Tray.instances.push(this);
    fake.record('new Tray', this.image);
  }

  setImage(image: NativeImage | string): void {
    this.image = imagePath(image);
    fake.record('Tray.setImage', this.image);
  }

  setToolTip(text: string): void {
    this.tooltip = text;
  }

  setTitle(text: string): void {
    this.title = text;
  }

  setContextMenu(menu: Menu | null): void {
    this.menu = menu;
    this.menuVersions += 1;
  }

  popUpContextMenu(): void {
    fake.record('Tray.popUpContextMenu');
  }

  destroy(): void {
    this.destroyed = true;
    fake.record('Tray.destroy');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  toJSON(): Json {
    return {
      image: this.image,
      tooltip: this.tooltip,
      destroyed: this.destroyed,
      menuVersions: this.menuVersions,
      menu: this.menu === null ? null : this.menu.items.map((i) => i.toJSON()),
    };
  }
}

// ---------------------------------------------------------------- BrowserWindow / webContents

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  url = '';
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: { channel: string; args: Json[] }[] = [];
  destroyed = false;

  constructor(readonly owner: BrowserWindow) {
    super();
  }

  get mainFrame(): { url: string } {
    return { url: this.url };
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args: args.map((a) => toJson(a)) });
    if (this.sent.length > 50) this.sent.shift();
    fake.onSend?.(this.owner.id, channel, args);
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** What Chromium would do before navigating: ask `will-navigate`. Returns whether it may go on. */
  tryNavigate(url: string): boolean {
    return emitPreventable(this, 'will-navigate', url);
  }

  /** What Chromium would do for window.open: ask the handler. */
  tryOpenWindow(url: string): string {
    return this.windowOpenHandler?.({ url }).action ?? 'allow';
  }
}

let nextWindowId = 1;

export class BrowserWindow extends EventEmitter {
  static readonly instances: BrowserWindow[] = [];
  readonly id = nextWindowId++;
  readonly webContents: FakeWebContents;
  loadedFile: string | null = null;
  visible = false;
  focusCount = 0;
  minimized = false;
  destroyed = false;
  menuRemoved = false;

  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    this.webContents = new FakeWebContents(this);
    BrowserWindow.instances.push(this);
    fake.record('new BrowserWindow', options);
    app.emit('web-contents-created', new FakeEvent(), this.webContents);
    if (options.show !== false) this.visible = true;
  }

  static getAllWindows(): BrowserWindow[] {
    return BrowserWindow.instances.filter((w) => !w.destroyed);
  }

  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.getAllWindows().at(-1) ?? null;
  }

  static fromWebContents(contents: FakeWebContents): BrowserWindow | null {
    return BrowserWindow.instances.find((w) => w.webContents === contents) ?? null;
  }

  async loadFile(file: string): Promise<void> {
    this.loadedFile = file;
    this.webContents.url = pathToFileURL(file).href;
    fake.record('BrowserWindow.loadFile', this.id, file);
    await new Promise((resolve) => setImmediate(resolve));
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }

  async loadURL(url: string): Promise<void> {
    this.webContents.url = url;
    fake.record('BrowserWindow.loadURL', this.id, url);
    await new Promise((resolve) => setImmediate(resolve));
    this.emit('ready-to-show');
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
    fake.record('BrowserWindow.show', this.id);
  }

  hide(): void {
    this.visible = false;
  }

  focus(): void {
    this.focusCount += 1;
    fake.record('BrowserWindow.focus', this.id);
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  minimize(): void {
    this.minimized = true;
  }

  restore(): void {
    this.minimized = false;
  }

  removeMenu(): void {
    this.menuRemoved = true;
  }

  setMenuBarVisibility(): void {}

  isDestroyed(): boolean {
    return this.destroyed;
  }

  close(): void {
    if (this.destroyed) return;
    if (!emitPreventable(this, 'close')) return;
    this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    fake.record('BrowserWindow.closed', this.id);
    if (BrowserWindow.getAllWindows().length === 0 && !app.quitting) {
      if (app.listenerCount('window-all-closed') === 0) app.quit();
      else app.emit('window-all-closed');
    }
  }

  toJSON(): Json {
    return {
      id: this.id,
      options: toJson(this.options),
      loadedFile: this.loadedFile,
      url: this.webContents.url,
      visible: this.visible,
      focusCount: this.focusCount,
      destroyed: this.destroyed,
      menuRemoved: this.menuRemoved,
      hasWindowOpenHandler: this.webContents.windowOpenHandler !== undefined,
      willNavigateListeners: this.webContents.listenerCount('will-navigate'),
      sent: this.webContents.sent,
    };
  }
}

// ---------------------------------------------------------------- ipcMain / ipcRenderer / contextBridge

/** Handlers are typed by their callers (never: any handler fits); the fake calls them with what Electron passes. */
type InvokeHandler = (event: never, ...args: never[]) => unknown;
type CallableHandler = (event: unknown, ...args: unknown[]) => unknown;

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, handler: InvokeHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
    fake.record('ipcMain.handle', channel);
  }

  handleOnce(channel: string, handler: InvokeHandler): void {
    this.handle(channel, (event: unknown, ...args: unknown[]) => {
      this.handlers.delete(channel);
      return (handler as CallableHandler)(event, ...args);
    });
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What Electron does for ipcRenderer.invoke: call the handler with an event naming the sender. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    // Electron passes arguments through the structured clone algorithm: so does the fake.
    return (handler as CallableHandler)(event, ...structuredClone(args));
  }
}

export const ipcMain = new FakeIpcMain();

class FakeIpcRenderer extends EventEmitter {
  readonly invoked: { channel: string; args: Json[] }[] = [];
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push({ channel, args: args.map((a) => toJson(a)) });
    return ipcMain.invoke(channel, { sender: null, senderFrame: null }, ...args);
  }
  send(channel: string, ...args: unknown[]): void {
    this.invoked.push({ channel, args: args.map((a) => toJson(a)) });
  }
}

export const ipcRenderer = new FakeIpcRenderer();

export const contextBridge = {
  exposed: new Map<string, unknown>(),
  exposeInMainWorld(name: string, api: unknown): void {
    contextBridge.exposed.set(name, api);
    fake.record('contextBridge.exposeInMainWorld', name, Object.keys(api as object));
  },
};

// ---------------------------------------------------------------- dialog, shell, Notification

export const dialog = {
  async showOpenDialog(windowOrOptions: unknown, maybeOptions?: unknown): Promise<{ canceled: boolean; filePaths: string[] }> {
    const options = maybeOptions ?? windowOrOptions;
    const parent = maybeOptions === undefined ? null : windowOrOptions;
    fake.record('dialog.showOpenDialog', parent instanceof BrowserWindow ? parent.id : null, options);
    return fake.dialogResults.shift() ?? { canceled: true, filePaths: [] };
  },
  /** Waits for the test's answer (fake.answerMessageBox), or the options' signal, which answers cancelId. */
  async showMessageBox(windowOrOptions: unknown, maybeOptions?: unknown): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = (maybeOptions ?? windowOrOptions) as { signal?: AbortSignal; cancelId?: number; [key: string]: unknown };
    const parent = maybeOptions === undefined ? null : windowOrOptions;
    const { signal, ...shown } = options;
    fake.record('dialog.showMessageBox', parent instanceof BrowserWindow ? parent.id : null, shown);
    const queued = fake.messageBoxAnswers.shift();
    if (queued !== undefined) return { response: queued, checkboxChecked: false };
    return new Promise((resolve) => {
      const cancel = (): void => {
        fake.messageBoxWaiters.splice(fake.messageBoxWaiters.indexOf(answer), 1);
        resolve({ response: options.cancelId ?? 0, checkboxChecked: false });
      };
      const answer = (response: number): void => {
        signal?.removeEventListener('abort', cancel);
        resolve({ response, checkboxChecked: false });
      };
      fake.messageBoxWaiters.push(answer);
      signal?.addEventListener('abort', cancel, { once: true });
    });
  },
  showErrorBox(title: string, content: string): void {
    fake.record('dialog.showErrorBox', title, content);
  },
};

export const shell = {
  async openPath(target: string): Promise<string> {
    fake.record('shell.openPath', target);
    return fs.existsSync(target) ? '' : `Failed to open path: ${target}`;
  },
  showItemInFolder(target: string): void {
    fake.record('shell.showItemInFolder', target);
  },
  async openExternal(url: string): Promise<void> {
    fake.record('shell.openExternal', url);
  },
};

export class Notification extends EventEmitter {
  static supported = true;
  static readonly instances: Notification[] = [];
  shown = false;

  constructor(readonly options: { title?: string; body?: string } = {}) {
    super();
    Notification.instances.push(this);
  }

  static isSupported(): boolean {
    return Notification.supported;
  }

  show(): void {
    this.shown = true;
    fake.record('Notification.show', this.options.title ?? '', this.options.body ?? '');
  }

  close(): void {}
}

// ---------------------------------------------------------------- session, powerMonitor

class FakeSession {
  permissionRequestHandler: ((...args: unknown[]) => void) | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  readonly webRequest = {
    onHeadersReceived: (handler: unknown): void => {
      fake.record('session.webRequest.onHeadersReceived', handler !== null);
    },
  };

  setPermissionRequestHandler(handler: ((...args: unknown[]) => void) | null): void {
    this.permissionRequestHandler = handler;
    fake.record('session.setPermissionRequestHandler', handler !== null);
  }

  setPermissionCheckHandler(handler: ((...args: unknown[]) => boolean) | null): void {
    this.permissionCheckHandler = handler;
    fake.record('session.setPermissionCheckHandler', handler !== null);
  }

  /** Asks the request handler as Chromium would; resolves with its answer. */
  requestPermission(permission: string): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.permissionRequestHandler === null) resolve(true);
      else this.permissionRequestHandler(null, permission, resolve, {});
    });
  }
}

export const session = { defaultSession: new FakeSession() };

export const powerMonitor = new EventEmitter();

// ---------------------------------------------------------------- app

const SINGLETON_POLL_MS = 100;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  quitting = false;
  private ready = false;
  private readyPromise: Promise<void>;
  private name = 'folder-sync';
  private lockFile: string | undefined;
  private singletonTimer: NodeJS.Timeout | undefined;
  readonly commandLine = {
    switches: new Map<string, string>(),
    appendSwitch: (name: string, value = ''): void => {
      this.commandLine.switches.set(name, value);
    },
    hasSwitch: (name: string): boolean => this.commandLine.switches.has(name),
    getSwitchValue: (name: string): string => this.commandLine.switches.get(name) ?? '',
  };

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => {
      setImmediate(() => {
        this.ready = true;
        this.emit('ready', new FakeEvent(), {});
        resolve();
      });
    });
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  isReady(): boolean {
    return this.ready;
  }

  getName(): string {
    return this.name;
  }

  setName(name: string): void {
    this.name = name;
  }

  getVersion(): string {
    return '0.0.0-fake';
  }

  /**
   * As Electron's: the folder of the app's package.json (what `electron DIR` was given), found from the main
   * script, never the working folder: a user starts the app from anywhere.
   */
  getAppPath(): string {
    for (let dir = path.dirname(path.resolve(process.argv[1] ?? '.')); ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
      if (path.dirname(dir) === dir) throw new Error(`no package.json above ${process.argv[1] ?? 'the main script'}`);
    }
  }

  setAppUserModelId(): void {}

  disableHardwareAcceleration(): void {}

  focus(): void {}

  private readonly paths = new Map<string, string>();

  setPath(name: string, value: string): void {
    fake.record('app.setPath', name, value);
    this.paths.set(name, value);
  }

  /** appData is $FAKE_ELECTRON_APP_DATA (a test's temp folder) instead of ~/.config. */
  getPath(name: string): string {
    const set = this.paths.get(name);
    if (set !== undefined) return set;
    const appData = process.env.FAKE_ELECTRON_APP_DATA ?? path.join(os.homedir(), '.config');
    switch (name) {
      case 'appData':
        return appData;
      case 'userData':
        return path.join(appData, this.name);
      case 'home':
        return os.homedir();
      case 'temp':
        return os.tmpdir();
      case 'exe':
        return process.execPath;
      case 'logs':
        return path.join(this.getPath('userData'), 'logs');
      default:
        throw new Error(`Failed to get '${name}' path`);
    }
  }

  /**
   * A real lock between processes: the first holds `<userData>/SingletonLock` (its pid); a second finds the
   * holder alive, leaves its argv in `<userData>/SingletonMessages/` for it, and gets false.
   */
  requestSingleInstanceLock(additionalData?: unknown): boolean {
    const dir = this.getPath('userData');
    fs.mkdirSync(dir, { recursive: true });
    const lock = path.join(dir, 'SingletonLock');
    const inbox = path.join(dir, 'SingletonMessages');
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
        this.lockFile = lock;
        fs.mkdirSync(inbox, { recursive: true });
        this.watchInbox(inbox);
        fake.record('app.requestSingleInstanceLock', true);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = Number(fs.readFileSync(lock, 'utf8'));
        if (Number.isInteger(holder) && holder !== process.pid && pidAlive(holder)) {
          fs.mkdirSync(inbox, { recursive: true });
          const message = path.join(inbox, `${process.pid}-${Date.now()}.json`);
          fs.writeFileSync(`${message}.tmp`, JSON.stringify({ argv: process.argv, cwd: process.cwd(), additionalData: additionalData ?? null }));
          fs.renameSync(`${message}.tmp`, message);
          fake.record('app.requestSingleInstanceLock', false);
          return false;
        }
        fs.rmSync(lock, { force: true }); // stale: its holder is gone
      }
    }
    return false;
  }

  hasSingleInstanceLock(): boolean {
    return this.lockFile !== undefined;
  }

  releaseSingleInstanceLock(): void {
    clearInterval(this.singletonTimer);
    if (this.lockFile !== undefined) fs.rmSync(this.lockFile, { force: true });
    this.lockFile = undefined;
  }

  private watchInbox(inbox: string): void {
    this.singletonTimer = setInterval(() => {
      for (const name of fs.readdirSync(inbox)) {
        if (!name.endsWith('.json')) continue;
        const file = path.join(inbox, name);
        const message = JSON.parse(fs.readFileSync(file, 'utf8')) as { argv: string[]; cwd: string; additionalData: unknown };
        fs.rmSync(file, { force: true });
        fake.record('app.second-instance', message.argv);
        this.emit('second-instance', new FakeEvent(), message.argv, message.cwd, message.additionalData);
      }
    }, SINGLETON_POLL_MS);
    this.singletonTimer.unref();
  }

  quit(): void {
    fake.record('app.quit');
    setImmediate(() => this.runQuit());
  }

  exit(code = 0): void {
    fake.record('app.exit', code);
    this.end(code);
  }

  private runQuit(): void {
    if (fake.exitCode !== null) return;
    if (!emitPreventable(this, 'before-quit')) {
      fake.record('app.quit-prevented');
      return;
    }
    this.quitting = true;
    for (const win of BrowserWindow.getAllWindows()) {
      if (!emitPreventable(win, 'close')) {
        this.quitting = false;
        return;
      }
      win.destroy();
    }
    if (!emitPreventable(this, 'will-quit')) {
      this.quitting = false;
      return;
    }
    this.emit('quit', new FakeEvent(), 0);
    this.end(0);
  }

  private end(code: number): void {
    this.releaseSingleInstanceLock();
    fake.terminate(code);
  }
}

export const app = new FakeApp();

/** The whole state as plain data, for a test (in this process or, via the remote control, another). */
export function snapshot(): Json {
  return {
    trays: Tray.instances.map((t) => t.toJSON()),
    windows: BrowserWindow.instances.map((w) => w.toJSON()),
    notifications: Notification.instances.map((n) => ({ title: n.options.title ?? '', body: n.options.body ?? '', shown: n.shown })),
    ipcChannels: [...ipcMain.handlers.keys()],
    permissionRequestHandler: session.defaultSession.permissionRequestHandler !== null,
    permissionCheckHandler: session.defaultSession.permissionCheckHandler !== null,
    appListeners: Object.fromEntries(['before-quit', 'second-instance', 'window-all-closed', 'web-contents-created'].map((e) => [e, app.listenerCount(e)])),
    powerMonitorListeners: { shutdown: powerMonitor.listenerCount('shutdown'), resume: powerMonitor.listenerCount('resume') },
    calls: fake.calls.map((call) => ({ seq: call.seq, api: call.api, args: call.args })),
    exitCode: fake.exitCode,
  };
}

export default {
  app,
  BrowserWindow,
  contextBridge,
  dialog,
  ipcMain,
  ipcRenderer,
  Menu,
  MenuItem,
  nativeImage,
  Notification,
  powerMonitor,
  session,
  shell,
  Tray,
};
