/**
 * The record a run leaves: settled rows carried over as they are, the planned entries as the run found or made
 * them. It vouches only for what this run saw in sync: entries whose action did not complete are left out, so
 * the next run compares them afresh. Hashes survive while the source file is unchanged.
 */
import { orderedLookup } from '../snapshot/ordered-lookup.js';
import type { PathTree } from '../snapshot/path-tree.js';
import type { RecordSnapshot } from '../snapshot/record-snapshot.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import type { Triage } from '../plan/triage.js';
import type { Entry, ReplicaState } from '../types.js';
import { sameContents, sameFile, UNCHANGED } from '../plan/identity.js';
import { TableBuilder, inPathOrder, type RecordEntry } from './record.js';

export interface PlannedRecordInput {
  /** The planned (unsettled) source entries the replica is to hold. */
  readonly wanted: ReadonlyMap<string, Entry>;
  readonly replica: PathTree<Entry>;
  readonly record: PathTree<RecordEntry>;
  readonly after: ReadonlyMap<string, ReplicaState>;
  readonly notDone: ReadonlySet<string>;
  readonly sourceHashes: ReadonlyMap<string, string>;
  readonly isProtected: (rel: string) => boolean;
}

/**
 * The record's row says of this path exactly what `entryFor` would write now, so it is kept as it is: the source
 * file is UNCHANGED (identity.ts), the replica's mtime is the recorded one, and the row does not lack a birth time
 * the source now tells (entryFor would learn it).
 */
function reusable(old: RecordEntry, src: Entry, rep: ReplicaState): boolean {
  return sameFile(src, old, UNCHANGED) && rep.mtimeMs === old.repMtimeMs && !(old.birthtimeMs === 0 && src.birthtimeMs !== 0);
}

/** Two rows hold the same data, field for field: whether the record changed (a run that changed nothing rewrites nothing), not whether files are alike. */
function sameRow(a: RecordEntry, b: RecordEntry): boolean {
  return a === b || (sameFile(a, b, UNCHANGED) && a.birthtimeMs === b.birthtimeMs && a.repMtimeMs === b.repMtimeMs && a.hash === b.hash);
}

/**
 * The entry the record keeps for a source entry the replica now holds. A hash survives while the file holds the
 * contents it was taken of (identity.ts's sameContents: a rewrite in place that put size and mtime back moves
 * the ctime, and the hash goes); a birth time the record knew survives a source that stopped saying it.
 */
function entryFor(kind: RecordEntry['kind'], src: Entry, rep: ReplicaState, old: RecordEntry | undefined, hash: string | undefined): RecordEntry {
  const kept = hash ?? (old?.hash !== undefined && sameFile(src, old, sameContents(true)) ? old.hash : undefined);
  const birthtimeMs = src.birthtimeMs !== 0 ? src.birthtimeMs : old !== undefined && old.ino === src.ino ? old.birthtimeMs : 0;
  const entry = { kind, size: src.size, mtimeMs: src.mtimeMs, ctimeMs: src.ctimeMs, ino: src.ino, birthtimeMs, mode: src.mode, repMtimeMs: rep.mtimeMs };
  return kept === undefined ? entry : { ...entry, hash: kept };
}

/**
 * The record entries of the planned paths, made one at a time as nextRecord walks the source: a first mirror of
 * 100,000 files never holds 100,000 entry objects besides the table they go into.
 */
export interface PlannedRecord {
  /** The entry for a path of `wanted`, asked in the source's order; undefined when the record is not to vouch for it. */
  entryOf(rel: string): RecordEntry | undefined;
  /** What the record knew below unreadable source folders, where nothing was compared: kept as it was. */
  readonly kept: ReadonlyMap<string, RecordEntry>;
  /** No planned path at all: a run in which every entry was settled. */
  readonly empty: boolean;
}

export function plannedRecord(input: PlannedRecordInput): PlannedRecord {
  const replicaAt = orderedLookup(input.replica);
  const recordAt = orderedLookup(input.record);
  const entryOf = (rel: string): RecordEntry | undefined => {
    const src = input.wanted.get(rel);
    if (src === undefined) return undefined;
    const scanned = replicaAt(rel);
    const old = recordAt(rel);
    if (src.kind === 'other' || input.notDone.has(rel)) return undefined;
    const rep = input.after.get(rel) ?? scanned;
    if (rep === undefined || rep.kind !== src.kind) return undefined;
    if (old !== undefined && !input.sourceHashes.has(rel) && reusable(old, src, rep)) return old;
    return entryFor(src.kind, src, rep, old, input.sourceHashes.get(rel));
  };
  const kept = new Map<string, RecordEntry>();
  for (const [rel, old] of input.record.entries()) {
    if (!input.isProtected(rel)) continue;
    // Asked out of the walk's order: the lookups fall back to their maps, and these are few.
    if (!input.wanted.has(rel) || entryOf(rel) === undefined) kept.set(rel, old);
  }
  return { entryOf: (rel) => entryOf(rel) ?? kept.get(rel), kept, empty: input.wanted.size === 0 && kept.size === 0 };
}

export interface NextRecord {
  readonly table: RecordSnapshot;
  /** Differs from the record the run started from (then it is saved; else nothing is rewritten). */
  readonly changed: boolean;
}

/**
 * Merges the settled rows and the planned entries, in the source's path order. A settled folder the executor
 * restamped (a file inside it changed) takes its new replica mtime; one it failed to restamp is left out.
 */
export function nextRecord(
  t: Triage,
  source: Snapshot,
  old: RecordSnapshot,
  oldPlanned: ReadonlyMap<string, RecordEntry>,
  planned: PlannedRecord,
  run: { readonly after: ReadonlyMap<string, ReplicaState>; readonly notDone: ReadonlySet<string> },
): NextRecord {
  // Every entry settled and the run wrote nothing: the record stays as it is, row for row.
  if (planned.empty && oldPlanned.size === 0 && run.after.size === 0 && run.notDone.size === 0) {
    return { table: old, changed: false };
  }
  const builder = new TableBuilder(source.rows);
  const touched = touchedRows(source, run);
  let changed = false;
  let fromPlanned = 0;
  // A stretch of settled rows the run did not touch, consecutive in the old record too: copied in one go.
  let runFrom = -1;
  let runRows = 0;
  const flush = (): void => {
    if (runRows > 0) builder.copyRows(old, runFrom, runRows);
    runRows = 0;
  };
  for (let s = 0; s < source.rows; s += 1) {
    const row = t.settledWith[s]!;
    if (row !== -1 && (touched === undefined || touched[s] === 0)) {
      // Most rows are settled and untouched by the run: copied with no object made and no lookup.
      if (runRows > 0 && runFrom + runRows === row) runRows += 1;
      else {
        flush();
        runFrom = row;
        runRows = 1;
      }
      continue;
    }
    flush();
    const rel = source.path(s);
    if (row === -1) {
      const entry = planned.entryOf(rel);
      if (entry === undefined) continue;
      builder.add(rel, entry);
      fromPlanned += 1;
      const was = oldPlanned.get(rel);
      if (!changed && (was === undefined || !sameRow(was, entry))) changed = true;
      continue;
    }
    if (run.notDone.has(rel)) {
      changed = true;
      continue;
    }
    const after = run.after.get(rel);
    if (after === undefined) {
      builder.copyRow(old, row);
      continue;
    }
    const was = old.recordEntry(row);
    const src = source.entry(s);
    if (reusable(was, src, after)) {
      builder.copyRow(old, row);
      continue;
    }
    builder.add(rel, entryFor(was.kind, src, after, was, undefined));
    changed = true;
  }
  flush();
  // Entries kept below unreadable source folders and not in the source scan: added after, then put in order.
  let extras = 0;
  for (const [rel, entry] of planned.kept) {
    if (source.find(rel) >= 0) continue;
    builder.add(rel, entry);
    extras += 1;
  }
  // The record's own planned rows all came back unchanged, and no settled row was dropped or rewritten.
  if (fromPlanned + extras !== oldPlanned.size) changed = true;
  if (!changed) return { table: old, changed: false };
  return { table: extras > 0 ? inPathOrder(builder.build()) : builder.build(), changed };
}

/**
 * The source rows the run wrote or failed (marked 1), found by binary search from the run's few paths rather than
 * by a lookup per row; undefined when there are none.
 */
function touchedRows(source: Snapshot, run: { readonly after: ReadonlyMap<string, ReplicaState>; readonly notDone: ReadonlySet<string> }): Uint8Array | undefined {
  if (run.after.size === 0 && run.notDone.size === 0) return undefined;
  const touched = new Uint8Array(source.rows);
  for (const rel of run.after.keys()) {
    const row = source.find(rel);
    if (row >= 0) touched[row] = 1;
  }
  for (const rel of run.notDone) {
    const row = source.find(rel);
    if (row >= 0) touched[row] = 1;
  }
  return touched;
}
