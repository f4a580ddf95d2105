/**
 * A pair's settings as the engine's options. The one place that maps them, so a scheduled run and its Preview
 * always use the same folders, excludes, trash and deletion limit.
 */
import type { SyncOptions } from '../engine/index.js';
import type { PairInput } from '../shared/ipc-contract.js';
import { parseMaxDeleteSetting } from '../shared/max-delete.js';

/** Throws MaxDeleteError for a limit that does not parse (settings are checked on load and save, so only a bug). */
export function pairSyncOptions(pair: PairInput, stateDir: string): SyncOptions {
  const maxDelete = parseMaxDeleteSetting(pair.maxDelete);
  return {
    source: pair.source,
    replica: pair.replica,
    stateDir,
    excludes: pair.excludes,
    // Switched off, the trash settings are only remembered.
    ...(pair.trash.enabled ? { trash: { dir: pair.trash.dir, keepDays: pair.trash.keepDays } } : {}),
    // A pair's limit counts overwrites too: the question the app asks names both (deletion-question.ts).
    ...(maxDelete === undefined ? {} : { maxDelete, limitOverwrites: true }),
  };
}
