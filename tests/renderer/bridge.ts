/**
 * Stands in for the preload inside the test browser: builds `window.folderSync` with the real preload API
 * (preload/api.ts) over two functions the test provides — `__folderSyncInvoke` (exposed with
 * page.exposeFunction, forwarding to the real main-process IPC handlers) and `__folderSyncPush` (called by
 * the test with what the main process sends to the window). Bundled by esbuild into an init script.
 */
import { API_NAME, Channel } from '../../main/shared/ipc-contract.js';
import type { StatusView } from '../../main/shared/ipc-contract.js';
import { createApi } from '../../preload/api.js';
import type { Invoke } from '../../preload/api.js';

interface BridgeWindow {
  __folderSyncInvoke(channel: string, args: unknown[]): Promise<unknown>;
  __folderSyncPush?: (channel: string, payload: unknown) => void;
}

const host = globalThis as unknown as BridgeWindow;
const listeners = new Set<(status: StatusView) => void>();

host.__folderSyncPush = (channel, payload) => {
  if (channel === Channel.StatusChanged) for (const listener of listeners) listener(payload as StatusView);
};

const invoke = ((channel: string, ...args: unknown[]) => host.__folderSyncInvoke(channel, args)) as Invoke;

// As contextBridge does: a frozen object the page cannot replace.
Object.defineProperty(globalThis, API_NAME, {
  value: Object.freeze(
    createApi(invoke, (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
  ),
  enumerable: true,
});
