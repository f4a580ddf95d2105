/**
 * One run of one pair, in five steps, each a stage's own module:
 * 1. preflight (preflight.ts): the record, the drives, the configuration, what the replica can hold;
 * 2. scan (scan/start-scans.ts): both trees, at the same time, started before anything else;
 * 3. plan (plan/plan-run.ts): triage, renames, the diff; a run that changed nothing ends its work here;
 * 4. execute (execute/execute.ts): the actions, through the replica's descriptors;
 * 5. commit (commit.ts): the record, saved only if something changed.
 * Per-entry problems are reported as events and counted; only a broken configuration throws (ConfigError).
 */
import path from 'node:path';
import { Tree } from '../fs/tree.js';
import { executeStage } from '../execute/execute.js';
import { contentQuestions } from '../plan/content-questions.js';
import { planRun } from '../plan/plan-run.js';
import { sourceLookup } from '../plan/triage.js';
import type { ScansAhead } from '../scan/parallel.js';
import { finishScans, startScans } from '../scan/start-scans.js';
import type { RunSummary } from '../types.js';
import { commitRecord } from './commit.js';
import { ConfigError, planOptions, type SyncOptions } from './options.js';
import { currentMount, prepare, sourceMissing, validatePair } from './preflight.js';
import { StageClock } from './stage-clock.js';
import { executedSummary, planSummary, refuse, statsOf } from './summary.js';

export { ConfigError, validatePair };

/** `ahead`: scans already started for this run (the command line's, see ScansAhead). */
export async function runSync(options: SyncOptions, ahead?: ScansAhead): Promise<RunSummary> {
  const startedAt = Date.now();
  const dryRun = options.dryRun ?? false;
  const emit = options.onEvent ?? ((): void => {});
  const warn = (message: string): void => emit({ type: 'warning', message });
  const source = path.resolve(options.source);
  const replica = path.resolve(options.replica);
  emit({ type: 'start', source, replica, dryRun });
  const missing = sourceMissing(options, source);
  if (missing) return refuse(missing, emit, startedAt, dryRun);
  const scanning = startScans(options, source, replica, ahead);

  const clock = new StageClock();
  const ready = await clock.timeAsync('loadRecord', () => prepare(options, source, replica, warn));
  if ('refusal' in ready) return refuse(ready.refusal, emit, startedAt, dryRun);
  const { prepared } = ready;
  emit({ type: 'probe', traits: prepared.traits });
  const scans = await finishScans(scanning, prepared.replicaThere, emit);

  const sourceTree = Tree.open(scans.sourceRoot);
  const replicaTree = scans.replicaRoot === undefined ? undefined : Tree.open(scans.replicaRoot);
  const contents = contentQuestions(sourceTree, replicaTree);
  try {
    const outcome = await planRun({
      ...planOptions(options),
      source: scans.source.table,
      replica: scans.replica.table,
      record: prepared.loaded.record.table,
      traits: prepared.traits,
      probed: prepared.probed,
      protectedRoots: scans.protectedRoots,
      replicaMountPoints: scans.replica.mountPoints,
      contents,
      warn,
    });
    clock.add(outcome.ms);
    if ('refusal' in outcome) return refuse(outcome.refusal, emit, startedAt, dryRun);
    const { plan } = outcome;
    emit({ type: 'plan', actions: plan.actions });
    if (dryRun || replicaTree === undefined) return planSummary(plan.actions, startedAt, statsOf(scans, contents.read.bytes, clock));

    const result = await clock.timeAsync('execute', () =>
      executeStage({
        actions: plan.actions,
        wanted: sourceLookup(plan.settling, scans.source.table, plan.unsettled.source, plan.wanted),
        tolerance: plan.tolerance,
        source: sourceTree,
        replica: replicaTree,
        replicaRoot: scans.replicaRoot!,
        leftovers: scans.replica.reserved,
        traits: prepared.traits,
        probed: prepared.probed,
        trash: options.trash,
        signal: options.signal,
        emit,
      }),
    );
    const replicaMount = (await currentMount(replica)) ?? prepared.replicaMount;
    clock.time('saveRecord', () => commitRecord({ plan, result, source: scans.source.table, prepared, replicaMount, pair: { source, replica } }));
    return executedSummary(result, scans, startedAt, options.signal?.aborted ?? false, statsOf(scans, result.counts.bytesCopied + contents.read.bytes, clock));
  } finally {
    sourceTree.close();
    replicaTree?.close();
  }
}
