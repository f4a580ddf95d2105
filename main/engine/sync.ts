import type { SyncOptions } from './options.js';
import type { RunSummary } from './types.js';

/** One run: scan both trees, plan, execute, save the record. Never throws for per-entry problems. */
export async function runSync(_options: SyncOptions): Promise<RunSummary> {
  throw new Error('runSync: not implemented yet');
}
