/**
 * Runs the real main entry as it ships (dist/app/index.js, the bundle) as a child process with `electron` mapped to the recording
 * fake, and drives it over the fake's remote control: snapshots, menu clicks, IPC calls as the settings page,
 * folder-picker answers, quit. Each instance gets its own userData and config folders.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Json } from '../fake-electron/electron.js';
import type { RemoteCommand, RemoteMessage } from '../fake-electron/remote.js';
import { packageJsonAbove } from '../cli/cli-process.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_ENTRY = path.join(REPO_ROOT, 'dist/app/index.js');
const REGISTER = path.join(REPO_ROOT, 'tests/fake-electron/register.mjs');

export interface MenuItemSnap {
  label: string;
  type: string;
  enabled: boolean;
  hasClick: boolean;
  submenu: MenuItemSnap[] | null;
}

export interface TraySnap {
  image: string;
  tooltip: string;
  destroyed: boolean;
  menuVersions: number;
  menu: MenuItemSnap[] | null;
}

export interface WindowSnap {
  id: number;
  options: { webPreferences?: Record<string, Json>; [key: string]: Json | undefined };
  loadedFile: string | null;
  url: string;
  visible: boolean;
  focusCount: number;
  destroyed: boolean;
  menuRemoved: boolean;
  hasWindowOpenHandler: boolean;
  willNavigateListeners: number;
  sent: { channel: string; args: Json[] }[];
}

export interface Snapshot {
  trays: TraySnap[];
  windows: WindowSnap[];
  notifications: { title: string; body: string; shown: boolean }[];
  ipcChannels: string[];
  permissionRequestHandler: boolean;
  permissionCheckHandler: boolean;
  appListeners: Record<string, number>;
  powerMonitorListeners: Record<string, number>;
  calls: { seq: number; api: string; args: Json[] }[];
  exitCode: number | null;
}

export function assertBuilt(): void {
  if (!fs.existsSync(MAIN_ENTRY)) throw new Error('dist/app/index.js is missing: run `npm run build` first (npm test does).');
}

/** A fresh folder for one app instance: userData, config (for autostart) and state. */
export async function appHome(): Promise<{ root: string; userData: string; config: string; cleanup(): Promise<void> }> {
  const root = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-app-'));
  const config = path.join(root, 'config');
  // Where the app keeps its settings: ~/.config/folder-sync, with the fake's config folder as ~/.config.
  const userData = path.join(config, 'folder-sync');
  return { root, userData, config, cleanup: () => fsp.rm(root, { recursive: true, force: true }) };
}

/**
 * The world the app starts in, as a user's session starts it: HOME, the XDG folders and the working folder are
 * temporary ones beside `config`, with no package.json above them, and npm's variables are gone. Started in the
 * repository, a test could pass only because electron-log found the repository's package.json (issue 14).
 */
export function userWorld(config: string): { readonly work: string; readonly env: NodeJS.ProcessEnv } {
  const root = path.join(path.dirname(config), 'user-world');
  const dirs = { home: path.join(root, 'home'), work: path.join(root, 'home', 'work'), cache: path.join(root, 'xdg-cache'), data: path.join(root, 'xdg-data') };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  const above = packageJsonAbove(dirs.work);
  if (above !== undefined) throw new Error(`${above} lies above the app's temporary working folder: set TMPDIR to a folder with none above it.`);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'INIT_CWD' && !key.startsWith('XDG_') && !key.startsWith('VITEST')) env[key] = value;
  }
  return {
    work: dirs.work,
    env: {
      ...env,
      HOME: dirs.home,
      XDG_CONFIG_HOME: config,
      XDG_STATE_HOME: path.join(config, 'xdg-state'),
      XDG_CACHE_HOME: dirs.cache,
      XDG_DATA_HOME: dirs.data,
    },
  };
}

export interface StartOptions {
  readonly config: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export class MainProcess extends EventEmitter {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; reported: number | null }>;
  stdout = '';
  stderr = '';
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: Json): void; reject(error: Error): void }>();
  private reportedExit: number | null = null;

  constructor(options: StartOptions) {
    super();
    assertBuilt();
    const world = userWorld(options.config);
    this.child = spawn(process.execPath, ['--import', REGISTER, MAIN_ENTRY, ...(options.args ?? [])], {
      cwd: world.work,
      env: {
        ...world.env,
        FAKE_ELECTRON_APP_DATA: options.config,
        XDG_CURRENT_DESKTOP: 'X-Test',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('message', (message: RemoteMessage) => this.onMessage(message));
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        for (const { reject } of this.pending.values()) reject(new Error(`main process exited (${code ?? signal}) before answering`));
        this.pending.clear();
        resolve({ code, signal, reported: this.reportedExit });
      });
    });
  }

  static start(options: StartOptions): MainProcess {
    return new MainProcess(options);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private onMessage(message: RemoteMessage): void {
    if (message.type === 'reply') {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(message.error));
    } else if (message.type === 'push') {
      this.emit('push', message);
    } else {
      this.reportedExit = message.code;
    }
  }

  request(command: RemoteCommand): Promise<Json> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...command, id }, (error) => {
        if (error !== null) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  async snapshot(): Promise<Snapshot> {
    return (await this.request({ cmd: 'snapshot' })) as unknown as Snapshot;
  }

  click(...labels: string[]): Promise<Json> {
    return this.request({ cmd: 'click', path: labels });
  }

  invoke(channel: string, ...args: unknown[]): Promise<Json> {
    return this.request({ cmd: 'invoke', channel, args });
  }

  /** Polls the snapshot until `check` returns something other than undefined/false. */
  async waitFor<T>(what: string, check: (snap: Snapshot) => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: Snapshot | undefined;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`main process exited while waiting for ${what}\nstderr: ${this.stderr}`);
      last = await this.snapshot();
      const result = check(last);
      if (result !== undefined && result !== false) return result;
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const tray = last?.trays.at(-1);
    throw new Error(`timed out waiting for ${what}; tray menu: ${JSON.stringify(tray?.menu?.map((i) => i.label))}\nstderr: ${this.stderr}`);
  }

  /** Ends the process if a test left it running. */
  async dispose(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

export function lastTray(snap: Snapshot): TraySnap | undefined {
  return snap.trays.filter((t) => !t.destroyed).at(-1);
}

export function menuLabels(snap: Snapshot): string[] {
  return lastTray(snap)?.menu?.map((i) => i.label) ?? [];
}

export function menuItem(snap: Snapshot, label: string): MenuItemSnap | undefined {
  return lastTray(snap)?.menu?.find((i) => i.label === label);
}

/** The tray icon's state, from its file name (idle.png → idle). */
export function trayIcon(snap: Snapshot): string | undefined {
  const image = lastTray(snap)?.image;
  return image === undefined ? undefined : path.basename(image, '.png');
}
