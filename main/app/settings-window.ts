/**
 * The one window (the pairs at a glance, then their settings): created on demand, reused (focused) when open,
 * locked down (isolated, sandboxed preload, no Node, CSP in the page). Also answers "did this IPC call come from
 * our page?".
 */
import { BrowserWindow } from 'electron';
import { fileURLToPath } from 'node:url';
import { Channel } from '../shared/ipc-contract.js';
import type { PushChannel, PushContract } from '../shared/ipc-contract.js';
import type { InvokeEvent } from '../ipc/register.js';

export interface SettingsWindowPaths {
  /** dist/renderer/index.html */
  readonly page: string;
  /** dist/preload/index.cjs */
  readonly preload: string;
  readonly icon: string;
}

export class SettingsWindow {
  private win: BrowserWindow | null = null;

  constructor(private readonly paths: SettingsWindowPaths) {}

  get window(): BrowserWindow | null {
    return this.win !== null && !this.win.isDestroyed() ? this.win : null;
  }

  /** Opens (or raises) the window; with a pair id, on that pair (a clicked failure notification). */
  open(pairId?: string): void {
    const existing = this.window;
    if (existing !== null) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      if (pairId !== undefined) this.send(Channel.ShowPair, pairId);
      return;
    }
    const win = new BrowserWindow({
      title: 'Folder Sync',
      width: 820,
      height: 760,
      minWidth: 560,
      minHeight: 480,
      show: false,
      icon: this.paths.icon,
      autoHideMenuBar: true,
      webPreferences: {
        preload: this.paths.preload,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        navigateOnDragDrop: false,
        safeDialogs: true,
        spellcheck: false,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    win.removeMenu();
    win.once('ready-to-show', () => win.show());
    win.on('closed', () => {
      if (this.win === win) this.win = null;
    });
    this.win = win;
    // A new page can only hear it once loaded.
    if (pairId !== undefined) win.webContents.once('did-finish-load', () => this.send(Channel.ShowPair, pairId));
    void win.loadFile(this.paths.page);
  }

  send<C extends PushChannel>(channel: C, payload: PushContract[C]): void {
    this.window?.webContents.send(channel, payload);
  }

  /** Only our own page, in our own window, may call the main process. */
  isTrustedSender(event: InvokeEvent): boolean {
    const win = this.window;
    if (win === null || event.sender !== win.webContents) return false;
    const url = event.senderFrame?.url;
    if (url === undefined || !url.startsWith('file:')) return false;
    try {
      return fileURLToPath(url) === this.paths.page;
    } catch {
      return false;
    }
  }
}
