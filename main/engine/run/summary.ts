/** The RunSummary a run ends with: counts, status, what failed; for a dry run, the counts its plan would give. */
import type { Counts } from '../execute/run-state.js';
import { zeroCounts } from '../execute/run-state.js';
import type { Refusal } from '../plan/safety.js';
import type { Action, RunSummary, SyncEvent } from '../types.js';

export function summarise(counts: Counts, startedAt: number, dryRun: boolean, extra: Partial<RunSummary> = {}): RunSummary {
  const status = extra.status ?? (counts.errors > 0 ? 'partial' : 'ok');
  return { ...counts, failures: [], undone: 0, aborted: false, durationMs: Date.now() - startedAt, dryRun, ...extra, status };
}

/** A run that changes nothing, and says why (exit code 3 on the CLI). */
export function refuse(refusal: Refusal, emit: (e: SyncEvent) => void, startedAt: number, dryRun: boolean): RunSummary {
  emit({ type: 'op', op: 'error', path: '', detail: refusal.message });
  return summarise(zeroCounts(), startedAt, dryRun, { status: 'refused', refusal });
}

/** What a plan would do, counted as a run that did it would count (a dry run's summary). */
export function countPlan(actions: readonly Action[]): Counts {
  const counts = zeroCounts();
  for (const action of actions) {
    switch (action.type) {
      case 'copy':
        counts.copied += 1;
        counts.bytesCopied += action.size;
        break;
      case 'update':
        counts.updated += 1;
        counts.bytesCopied += action.size;
        break;
      case 'symlink':
        if (action.replace) counts.updated += 1;
        else counts.copied += 1;
        break;
      case 'move':
        counts.moved += 1;
        break;
      case 'delete':
      case 'rmdir':
        counts.deleted += 1;
        break;
      case 'mkdir':
        counts.created += 1;
        break;
      case 'chmod':
      case 'touch':
        counts.metadata += 1;
        break;
      case 'skip':
        if (action.unrepresentable) counts.unrepresentable += 1;
        else counts.skipped += 1;
        break;
    }
  }
  return counts;
}
