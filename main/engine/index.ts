/**
 * The engine's one door: the command line, the tray app and the run loop import from here and nowhere else
 * below `main/engine/` (a lint rule holds them to it). A run is `runSync` (run/sync.ts): preflight, scan, plan,
 * execute, commit; everything it reports arrives as SyncEvents and one RunSummary (types.ts).
 */
export { runSync, validatePair } from './run/sync.js';
export { sideFolderPlace } from './plan/safety.js';
export { runSyncInWorker } from './run/run-in-worker.js';
export { ConfigError, type SyncOptions } from './run/options.js';
export { ScansAhead } from './scan/parallel.js';
export { createExcludeMatcher } from './scan/exclude.js';
export { hasRecord, isSmallRecord, recordFileFor } from './record/record-file.js';
export { overlapOf, type Overlap } from './fs/overlap.js';
export { mountOf } from './fs/mounts.js';
export { display, toByteString } from './fs/paths.js';
export { formatBytes } from './format-bytes.js';
export { FAILURES_LISTED } from './types.js';
export type { Action, ActionType, Entry, EntryFailure, EntryKind, OperationName, RefusalReason, ReplicaTraits, RunSummary, SyncEvent } from './types.js';
