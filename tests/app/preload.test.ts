/** The preload on the fake electron: it exposes the typed API and nothing else, and hides IPC events. */
import { describe, expect, it, vi } from 'vitest';
import { API_NAME, Channel } from '../../main/shared/ipc-contract.js';
import type { FolderSyncApi, StatusView } from '../../main/shared/ipc-contract.js';
import { contextBridge, ipcMain, ipcRenderer } from '../fake-electron/electron.js';

vi.mock('electron', () => import('../fake-electron/electron.js'));

const status: StatusView = { state: 'idle', paused: false, quitting: false, warnings: [], pairs: [] };

describe('preload', () => {
  it('exposes only the contract API, over ipcRenderer.invoke', async () => {
    await import('../../preload/index.js');
    expect([...contextBridge.exposed.keys()]).toEqual([API_NAME]);
    const api = contextBridge.exposed.get(API_NAME) as FolderSyncApi;
    expect(Object.keys(api).sort()).toEqual(['getSettings', 'getStatus', 'onShowPair', 'onStatus', 'pausePair', 'pickFolder', 'preview', 'saveSettings', 'stopSync', 'syncNow']);

    ipcMain.handle(Channel.GetStatus, () => status);
    ipcMain.handle(Channel.SyncNow, () => undefined);
    ipcMain.handle(Channel.StopSync, () => undefined);
    expect(await api.getStatus()).toEqual(status);
    await api.syncNow('abc');
    await api.stopSync('abc');
    expect(ipcRenderer.invoked).toEqual([
      { channel: Channel.GetStatus, args: [] },
      { channel: Channel.SyncNow, args: ['abc'] },
      { channel: Channel.StopSync, args: ['abc'] },
    ]);
  });

  it('hands status pushes to the page without the IPC event, and stops on unsubscribe', async () => {
    await import('../../preload/index.js');
    const api = contextBridge.exposed.get(API_NAME) as FolderSyncApi;
    const heard: unknown[][] = [];
    const stop = api.onStatus((...args: unknown[]) => heard.push(args));
    ipcRenderer.emit(Channel.StatusChanged, { sender: 'secret' }, status);
    stop();
    ipcRenderer.emit(Channel.StatusChanged, { sender: 'secret' }, status);
    expect(heard).toEqual([[status]]);
    expect(ipcRenderer.listenerCount(Channel.StatusChanged)).toBe(0);
  });
});
