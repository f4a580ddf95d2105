/**
 * The page's whole view of the app: a narrow, typed API over the IPC contract. Built from two functions so the
 * same code runs in the sandboxed preload (over ipcRenderer) and in the browser tests (over a test bridge).
 */
import { Channel } from '../main/shared/ipc-contract.js';
import type { FolderSyncApi, InvokeArgs, InvokeChannel, InvokeResult, PushChannel, PushContract } from '../main/shared/ipc-contract.js';

export type Invoke = <C extends InvokeChannel>(channel: C, ...args: InvokeArgs<C>) => Promise<InvokeResult<C>>;

/** Subscribes to one push channel; returns the unsubscribe function. */
export type Subscribe = <C extends PushChannel>(channel: C, listener: (payload: PushContract[C]) => void) => () => void;

export function createApi(invoke: Invoke, subscribe: Subscribe): FolderSyncApi {
  return {
    getSettings: () => invoke(Channel.GetSettings),
    saveSettings: (settings) => invoke(Channel.SaveSettings, settings),
    pickFolder: (request) => invoke(Channel.PickFolder, request),
    preview: (pair) => invoke(Channel.Preview, pair),
    getStatus: () => invoke(Channel.GetStatus),
    syncNow: (pairId) => invoke(Channel.SyncNow, pairId),
    stopSync: (pairId) => invoke(Channel.StopSync, pairId),
    pausePair: (pairId, paused) => invoke(Channel.PausePair, pairId, paused),
    onStatus: (listener) => subscribe(Channel.StatusChanged, listener),
    onShowPair: (listener) => subscribe(Channel.ShowPair, listener),
  };
}
