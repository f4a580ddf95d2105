/**
 * Stands in for the preload inside the test browser: builds `window.folderSync` with the real preload API
 * (preload/api.ts) over two functions the test provides — `__folderSyncInvoke` (exposed with
 * page.exposeFunction, forwarding to the real main-process IPC handlers) and `__folderSyncPush` (called by
 * the test with what the main process sends to the window). Bundled by esbuild into an init script.
 */
import { API_NAME } from '../../main/shared/ipc-contract.js';
import { createApi } from '../../preload/api.js';
import type { Invoke, Subscribe } from '../../preload/api.js';

interface BridgeWindow {
  __folderSyncInvoke(channel: string, args: unknown[]): Promise<unknown>;
  __folderSyncPush?: (channel: string, payload: unknown) => void;
}

const host = globalThis as unknown as BridgeWindow;
const listeners = new Map<string, Set<(payload: never) => void>>();

host.__folderSyncPush = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload as never);
};

const subscribe: Subscribe = (channel, listener) => {
  const set = listeners.get(channel) ?? new Set();
  listeners.set(channel, set);
  set.add(listener);
  return () => set.delete(listener);
};

const invoke = ((channel: string, ...args: unknown[]) => host.__folderSyncInvoke(channel, args)) as Invoke;

// As contextBridge does: a frozen object the page cannot replace.
Object.defineProperty(globalThis, API_NAME, {
  value: Object.freeze(
    createApi(invoke, subscribe),
  ),
  enumerable: true,
});
