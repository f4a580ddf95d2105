import type { FolderSyncApi } from '../main/shared/ipc-contract.js';

declare global {
  interface Window {
    /** Exposed by the preload (preload/index.ts); the page's only way to reach the app. */
    readonly folderSync: FolderSyncApi;
  }
}
