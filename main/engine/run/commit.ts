/**
 * The record a run leaves (record/next-record.ts), saved — unless nothing changed, which rewrites nothing (a
 * record written by an older version, or under other traits, is rewritten once).
 */
import type { MountIdentity } from '../fs/mounts.js';
import type { ExecuteResult } from '../execute/execute.js';
import type { PlannedRun } from '../plan/plan-run.js';
import { nextRecord, plannedRecord } from '../record/next-record.js';
import { saveRecord } from '../record/record-file.js';
import type { SyncRecord } from '../record/record.js';
import type { ScanSnapshot } from '../snapshot/snapshot.js';
import type { Prepared } from './preflight.js';

export interface CommitInput {
  readonly plan: PlannedRun;
  readonly result: Pick<ExecuteResult, 'after' | 'notDone'>;
  readonly source: ScanSnapshot;
  /** What preflight found: the record loaded, where it lives, the source's drive, the replica's traits. */
  readonly prepared: Pick<Prepared, 'loaded' | 'recordFile' | 'sourceMount' | 'traits' | 'probed'>;
  /** The replica's drive as it is after the run (a run may have made the replica). */
  readonly replicaMount: MountIdentity | undefined;
  /** Resolved host paths of the pair, as the record's header names them. */
  readonly pair: { readonly source: string; readonly replica: string };
}

function sameMount(a: MountIdentity | undefined, b: MountIdentity | undefined): boolean {
  return a?.mountPoint === b?.mountPoint && a?.fsType === b?.fsType && a?.source === b?.source;
}

/** The record's file-level facts: anything else differing is in the entries (NextRecord.changed). */
function sameSettings(a: SyncRecord, b: SyncRecord): boolean {
  return sameMount(a.replicaMount, b.replicaMount) && sameMount(a.sourceMount, b.sourceMount) && a.traits?.summary === b.traits?.summary;
}

/** Saves the next record if it differs; true when it was written. */
export function commitRecord(input: CommitInput): boolean {
  const { plan, result } = input;
  const { loaded, recordFile, sourceMount, traits, probed } = input.prepared;
  const record = loaded.record;
  const planned = plannedRecord({
    wanted: plan.wanted,
    replica: plan.workingReplica,
    record: plan.workingRecord,
    after: result.after,
    notDone: result.notDone,
    sourceHashes: plan.sourceHashes,
    isProtected: plan.isProtected,
  });
  const next = nextRecord(plan.settling, input.source, record.table, plan.unsettled.record, planned, result);
  const nextFile: SyncRecord = {
    table: next.table,
    ...(input.replicaMount ? { replicaMount: input.replicaMount } : {}),
    ...(sourceMount ? { sourceMount } : {}),
    traits,
  };
  // A run that changed nothing rewrites nothing, the record included.
  const stale = !loaded.existed || loaded.outdated === true || probed;
  if (!stale && !next.changed && sameSettings(record, nextFile)) return false;
  saveRecord(recordFile, nextFile, input.pair.source, input.pair.replica);
  return true;
}
