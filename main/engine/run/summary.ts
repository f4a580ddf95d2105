/** The RunSummary a run ends with: counts, status, what failed, statistics; for a dry run, the counts its plan would give. */
import type { ExecuteResult } from '../execute/execute.js';
import type { Counts } from '../execute/run-state.js';
import { zeroCounts } from '../execute/run-state.js';
import type { Refusal } from '../plan/safety.js';
import type { Scans } from '../scan/start-scans.js';
import { FAILURES_LISTED, type Action, type RunStats, type RunSummary, type SyncEvent } from '../types.js';
import type { StageClock } from './stage-clock.js';

export function summarise(counts: Counts, startedAt: number, dryRun: boolean, extra: Partial<RunSummary> = {}): RunSummary {
  const status = extra.status ?? (counts.errors > 0 ? 'partial' : 'ok');
  return { ...counts, failures: [], undone: 0, aborted: false, durationMs: Date.now() - startedAt, dryRun, ...extra, status };
}

/** What the run read (copies and the planner's reads of contents) and how long each stage took, so far. */
export function statsOf(scans: Scans, bytesRead: number, clock: StageClock): RunStats {
  return {
    sourceEntries: scans.source.table.rows,
    replicaEntries: scans.replica.table.rows,
    bytesRead,
    stageMs: clock.stages(scans.source.durationMs, scans.replica.durationMs),
  };
}

/** A dry run (or one with no replica to act in) ends with what its plan would do. */
export function planSummary(actions: readonly Action[], startedAt: number, stats: RunStats): RunSummary {
  return summarise(countPlan(actions), startedAt, true, { actions, stats });
}

/**
 * A run that executed its plan. Entries the scans could not read were left alone: the run did not finish them, so it
 * is partial (exit 1), and they lead the failures listed.
 */
export function executedSummary(result: ExecuteResult, scans: Scans, startedAt: number, aborted: boolean, stats: RunStats): RunSummary {
  const scanErrors = scans.source.problems.length + scans.replica.problems.length;
  const extra = { failures: failuresOf(scans, result), undone: result.notDone.size, aborted, stats };
  return summarise({ ...result.counts, errors: result.counts.errors + scanErrors }, startedAt, false, extra);
}

function failuresOf(scans: Scans, result: ExecuteResult): RunSummary['failures'] {
  const scanFailures = [...scans.source.problems, ...scans.replica.problems.map((p) => ({ path: p.path, message: `in the replica: ${p.message}` }))];
  return [...scanFailures, ...result.failures].slice(0, FAILURES_LISTED);
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
