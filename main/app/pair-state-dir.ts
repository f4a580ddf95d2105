/** Where a pair's file record lives: one folder per pair id under the app's state folder, never outside it. */
import path from 'node:path';
import { PAIR_ID_PATTERN } from '../shared/ipc-contract.js';

/** Throws for an id that is not a plain name: ids are checked on load and on the IPC, so this is the last guard. */
export function pairStateDir(root: string, pairId: string): string {
  if (!PAIR_ID_PATTERN.test(pairId)) throw new Error(`The pair id ${JSON.stringify(pairId)} is not a plain name; refusing to use it as a folder.`);
  return path.join(root, pairId);
}
