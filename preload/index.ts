/**
 * The sandboxed preload: exposes `window.folderSync` (the typed API of ipc-contract.ts) and nothing else. No
 * Node API and no raw ipcRenderer reach the page. Bundled to one CommonJS file by esbuild (`npm run build`),
 * since a sandboxed preload cannot load modules.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { API_NAME } from '../main/shared/ipc-contract.js';
import { createApi } from './api.js';
import type { Invoke, Subscribe } from './api.js';

const invoke: Invoke = (channel, ...args) => ipcRenderer.invoke(channel, ...args);

const subscribe: Subscribe = (channel, listener) => {
  // The IPC event object is dropped: handing it to the page would leak `sender` and its methods.
  const wrapped = (_event: Electron.IpcRendererEvent, payload: Parameters<typeof listener>[0]): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
};

contextBridge.exposeInMainWorld(API_NAME, createApi(invoke, subscribe));
