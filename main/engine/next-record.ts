/**
 * The record a run leaves: settled rows carried over as they are, the planned entries as the run found or made
 * them. It vouches only for what this run saw in sync: entries whose action did not complete are left out, so
 * the next run compares them afresh. Hashes survive while the source file is unchanged.
 */
import { orderedLookup } from './ordered-lookup.js';
import { findRow } from './path-order.js';
import type { PathTree } from './path-tree.js';
import { TableBuilder, inPathOrder, rowEntry, type RecordEntry, type RecordTable } from './record.js';
import { scanEntry, type ScanTable } from './scan-table.js';
import type { Triage } from './triage.js';
import type { Entry } from './types.js';

export interface PlannedRecordInput {
  /** The planned (unsettled) source entries the replica is to hold. */
  readonly wanted: ReadonlyMap<string, Entry>;
  readonly replica: PathTree<Entry>;
  readonly record: PathTree<RecordEntry>;
  readonly after: ReadonlyMap<string, Entry>;
  readonly notDone: ReadonlySet<string>;
  readonly sourceHashes: ReadonlyMap<string, string>;
  readonly isProtected: (rel: string) => boolean;
}

/** The record entry already says exactly this: same source stat and same replica mtime. */
function reusable(old: RecordEntry, src: Entry, rep: Entry): boolean {
  return (
    old.kind === src.kind && old.size === src.size && old.mtimeMs === src.mtimeMs && old.ctimeMs === src.ctimeMs &&
    old.ino === src.ino && old.mode === src.mode && old.repMtimeMs === rep.mtimeMs
  );
}

function sameEntry(a: RecordEntry, b: RecordEntry): boolean {
  if (a === b) return true;
  return (
    a.kind === b.kind && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs &&
    a.ino === b.ino && a.mode === b.mode && a.repMtimeMs === b.repMtimeMs && a.hash === b.hash
  );
}

function entryFor(kind: RecordEntry['kind'], src: Entry, rep: Entry, old: RecordEntry | undefined, hash: string | undefined): RecordEntry {
  const kept = hash ?? (old?.hash !== undefined && old.ino === src.ino && old.size === src.size && old.mtimeMs === src.mtimeMs ? old.hash : undefined);
  if (kept !== undefined) return { kind, size: src.size, mtimeMs: src.mtimeMs, ctimeMs: src.ctimeMs, ino: src.ino, mode: src.mode, repMtimeMs: rep.mtimeMs, hash: kept };
  return { kind, size: src.size, mtimeMs: src.mtimeMs, ctimeMs: src.ctimeMs, ino: src.ino, mode: src.mode, repMtimeMs: rep.mtimeMs };
}

/** Record entries for the planned paths, in the order of `wanted`. */
export function plannedRecord(input: PlannedRecordInput): Map<string, RecordEntry> {
  const next = new Map<string, RecordEntry>();
  const replicaAt = orderedLookup(input.replica);
  const recordAt = orderedLookup(input.record);
  for (const [rel, src] of input.wanted) {
    const scanned = replicaAt(rel);
    const old = recordAt(rel);
    if (src.kind === 'other' || input.notDone.has(rel)) continue;
    const rep = input.after.get(rel) ?? scanned;
    if (rep === undefined || rep.kind !== src.kind) continue;
    if (old !== undefined && reusable(old, src, rep) && !input.sourceHashes.has(rel)) next.set(rel, old);
    else next.set(rel, entryFor(src.kind, src, rep, old, input.sourceHashes.get(rel)));
  }
  // Below unreadable source folders nothing was compared: what the record knew stays.
  for (const [rel, old] of input.record.entries()) if (!next.has(rel) && input.isProtected(rel)) next.set(rel, old);
  return next;
}

export interface NextRecord {
  readonly table: RecordTable;
  /** Differs from the record the run started from (then it is saved; rule 7: else nothing is rewritten). */
  readonly changed: boolean;
}

/**
 * Merges the settled rows and the planned entries, in the source's path order. A settled folder the executor
 * restamped (a file inside it changed) takes its new replica mtime; one it failed to restamp is left out.
 */
export function nextRecord(
  t: Triage,
  source: ScanTable,
  old: RecordTable,
  oldPlanned: ReadonlyMap<string, RecordEntry>,
  planned: ReadonlyMap<string, RecordEntry>,
  run: { readonly after: ReadonlyMap<string, Entry>; readonly notDone: ReadonlySet<string> },
): NextRecord {
  // sameEntries first: it fails at once on a run that changed anything, before a binary search per written path.
  if (old.order === undefined && sameEntries(oldPlanned, planned) && !touchesSettled(run, t, source)) return { table: old, changed: false };
  const builder = new TableBuilder(source.paths.length);
  let changed = planned.size !== oldPlanned.size;
  let fromPlanned = 0;
  for (let s = 0; s < source.paths.length; s += 1) {
    const rel = source.paths[s]!;
    const row = t.settledWith[s]!;
    if (row === -1) {
      const entry = planned.get(rel);
      if (entry === undefined) continue;
      builder.add(rel, entry);
      fromPlanned += 1;
      const was = oldPlanned.get(rel);
      if (!changed && (was === undefined || !sameEntry(was, entry))) changed = true;
      continue;
    }
    // Most rows are settled and untouched by the run: copied with no object made and, when the run wrote
    // nothing and failed nothing, no lookup either.
    if (run.notDone.size > 0 && run.notDone.has(rel)) {
      changed = true;
      continue;
    }
    const after = run.after.size > 0 ? run.after.get(rel) : undefined;
    if (after === undefined) {
      builder.copyRow(old, row);
      continue;
    }
    const was = rowEntry(old, row);
    const src = scanEntry(source, s);
    if (reusable(was, src, after)) {
      builder.copyRow(old, row);
      continue;
    }
    builder.add(rel, entryFor(was.kind, src, after, was, undefined));
    changed = true;
  }
  // Entries kept below unreadable source folders are not in the source scan: added after, then put in order.
  if (fromPlanned < planned.size) {
    for (const [rel, entry] of planned) if (findRow(source.paths, undefined, rel) < 0) builder.add(rel, entry);
    return { table: inPathOrder(builder.build()), changed };
  }
  return { table: builder.build(), changed };
}

function sameEntries(a: ReadonlyMap<string, RecordEntry>, b: ReadonlyMap<string, RecordEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [rel, entry] of b) {
    const was = a.get(rel);
    if (was === undefined || !sameEntry(was, entry)) return false;
  }
  return true;
}

/** The run wrote to or failed on a settled entry (a folder restamped after a change inside it). */
function touchesSettled(run: { readonly after: ReadonlyMap<string, Entry>; readonly notDone: ReadonlySet<string> }, t: Triage, source: ScanTable): boolean {
  const settled = (rel: string): boolean => {
    const row = findRow(source.paths, undefined, rel);
    return row >= 0 && t.settledWith[row] !== -1;
  };
  for (const rel of run.after.keys()) if (settled(rel)) return true;
  for (const rel of run.notDone) if (settled(rel)) return true;
  return false;
}
