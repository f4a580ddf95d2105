/**
 * The pure planner over literal trees, no disk: planActions (the diff) and findMoves (renames from the record), as
 * mutagen tests its reconcile beside it. What a run does on disk is tested in tests/engine/run/; here each decision
 * is pinned on the smallest input that makes it.
 */
import { describe, expect, it } from 'vitest';
import { planActions, type PlanInput } from '../../../main/engine/plan/plan.js';
import { findMoves, type MoveInput } from '../../../main/engine/plan/renames.js';
import { NATIVE_TRAITS } from '../../../main/engine/fs/probe.js';
import { PathTree } from '../../../main/engine/snapshot/path-tree.js';
import type { RecordEntry } from '../../../main/engine/snapshot/record-snapshot.js';
import type { Action, Entry, ReplicaTraits } from '../../../main/engine/types.js';

const T0 = 1_700_000_000_000;
let nextIno = 100;

function file(size: number, extra: Partial<Entry> = {}): Entry {
  return { kind: 'file', size, mtimeMs: T0, ctimeMs: T0, mode: 0o644, ino: nextIno++, dev: 1, birthtimeMs: T0, ...extra };
}
function dir(extra: Partial<Entry> = {}): Entry {
  return { kind: 'dir', size: 4096, mtimeMs: T0, ctimeMs: T0, mode: 0o755, ino: nextIno++, dev: 1, birthtimeMs: T0, ...extra };
}
function link(target: string): Entry {
  return { kind: 'symlink', size: target.length, mtimeMs: T0, ctimeMs: T0, mode: 0o777, ino: nextIno++, dev: 1, birthtimeMs: T0, target };
}
/** The record of `src` as a run that synced it to `rep` leaves it. */
function recordOf(src: Entry, rep: Entry = src): RecordEntry {
  return { kind: src.kind as RecordEntry['kind'], size: src.size, mtimeMs: src.mtimeMs, ctimeMs: src.ctimeMs, ino: src.ino, birthtimeMs: src.birthtimeMs, mode: src.mode, repMtimeMs: rep.mtimeMs };
}
/** A replica copy of a source entry: its own inode, the same size, mode and mtime. */
function copyOf(src: Entry): Entry {
  return { ...src, ino: nextIno++, dev: 2, birthtimeMs: T0 + 5, ctimeMs: T0 + 5 };
}

const TRAITS: ReplicaTraits = { ...NATIVE_TRAITS, summary: 'ext4-like' };

interface World {
  source: Record<string, Entry>;
  replica: Record<string, Entry>;
  record?: Record<string, RecordEntry>;
}

function plan(world: World, extra: Partial<PlanInput> = {}): Action[] {
  return planActions({
    wanted: new Map(Object.entries(world.source)),
    replica: new PathTree(new Map(Object.entries(world.replica))),
    record: new PathTree(new Map(Object.entries(world.record ?? {}))),
    moves: [],
    skips: [],
    traits: TRAITS,
    tolerance: 0.001,
    knownEqual: new Set(),
    checksum: false,
    isProtected: () => false,
    ...extra,
  });
}

const brief = (actions: readonly Action[]): string[] => actions.map((a) => (a.type === 'move' ? `move ${a.from} -> ${a.path}` : `${a.type} ${a.path}`));

describe('planActions', () => {
  it('plans nothing for a replica the record left in sync', () => {
    const a = file(10);
    const ra = copyOf(a);
    const d = dir();
    const rd = copyOf(d);
    expect(plan({ source: { d, 'd/a': a }, replica: { d: rd, 'd/a': ra }, record: { d: recordOf(d, rd), 'd/a': recordOf(a, ra) } })).toEqual([]);
  });

  it('orders the work: deletions children first, then folders parents first, then contents, then metadata', () => {
    const n = dir();
    const old = dir();
    const src = { n, 'n/m': dir(), 'n/m/f': file(3), kept: file(1, { mode: 0o600 }) };
    const kept = copyOf({ ...src.kept, mode: 0o644 });
    const actions = plan({ source: src, replica: { kept, old: copyOf(old), 'old/x': file(2), 'old/y': dir(), 'old/y/z': file(1) } });
    expect(brief(actions)).toEqual(['delete old/y/z', 'delete old/x', 'rmdir old/y', 'rmdir old', 'mkdir n', 'mkdir n/m', 'copy n/m/f', 'chmod kept']);
    expect(actions.find((a) => a.type === 'delete')?.why).toBe('not in the source');
  });

  it('says why a file is updated', () => {
    const grown = file(5);
    const edited = file(5);
    const rewritten = file(5);
    const replaced = file(5);
    const behindOurBack = file(5);
    const reps = { grown: copyOf({ ...grown, size: 4 }), edited: copyOf(edited), rewritten: copyOf(rewritten), replaced: copyOf(replaced), behindOurBack: copyOf(behindOurBack) };
    const record = {
      grown: recordOf({ ...grown, size: 4 }, reps.grown),
      edited: recordOf({ ...edited, mtimeMs: T0 - 1000 }, reps.edited),
      rewritten: recordOf({ ...rewritten, ctimeMs: T0 - 1000 }, reps.rewritten),
      replaced: recordOf({ ...replaced, ino: 1 }, reps.replaced),
      behindOurBack: recordOf(behindOurBack, { ...reps.behindOurBack, mtimeMs: T0 - 1000 }),
    };
    const why = Object.fromEntries(plan({ source: { grown, edited, rewritten, replaced, behindOurBack }, replica: reps, record }).map((a) => [a.path, `${a.type}: ${a.why}`]));
    expect(why).toEqual({
      grown: 'update: size changed',
      edited: 'update: modification time changed',
      rewritten: 'update: rewritten in place (ctime changed)',
      replaced: 'update: replaced by another file',
      behindOurBack: 'update: changed in the replica',
    });
  });

  it('without a record, compares size and mtime; --checksum and knownEqual decide by contents', () => {
    const same = file(5);
    const older = file(5);
    const world = { source: { same, older }, replica: { same: copyOf(same), older: copyOf({ ...older, mtimeMs: T0 - 2000 }) } };
    expect(brief(plan(world))).toEqual(['update older']);
    expect(plan(world)[0]!.why).toBe('modification time changed');
    expect(brief(plan(world, { checksum: true }))).toEqual(['update same', 'update older']);
    expect(brief(plan(world, { checksum: true, knownEqual: new Set(['same']) }))).toEqual(['update older']);
  });

  it('replaces an entry whose kind changed: the old subtree goes first, children before the folder', () => {
    const src = { x: file(1), y: dir() };
    const actions = plan({ source: src, replica: { x: dir(), 'x/inner': file(1), y: file(2) } });
    expect(brief(actions)).toEqual(['delete x/inner', 'rmdir x', 'delete y', 'mkdir y', 'copy x']);
    expect(actions[0]!.why).toBe('the source has a file here now');
  });

  it('never deletes, replaces or restamps what is protected (below an unreadable source folder)', () => {
    const locked = dir({ mode: 0o000 });
    const actions = plan(
      { source: { locked, other: file(1) }, replica: { locked: copyOf({ ...locked, mode: 0o755 }), 'locked/old': file(1), gone: file(1) } },
      { isProtected: (rel) => rel === 'locked' || rel.startsWith('locked/') },
    );
    expect(brief(actions)).toEqual(['delete gone', 'copy other']);
  });

  it('replaces a symlink whose target changed, and never gives the replica set-uid or set-gid bits', () => {
    const setuid = file(1, { mode: 0o4755 });
    const actions = plan({ source: { l: link('new'), s: setuid }, replica: { l: link('old'), s: copyOf({ ...setuid, mode: 0o644 }) } });
    expect(actions).toEqual([
      { type: 'symlink', path: 'l', target: 'new', replace: true, why: 'link target changed' },
      { type: 'chmod', path: 's', mode: 0o755, why: 'mode differs' },
    ]);
  });

  it('leaves modes alone on a replica that cannot hold them', () => {
    const f = file(1, { mode: 0o600 });
    expect(plan({ source: { f }, replica: { f: copyOf({ ...f, mode: 0o777 }) } }, { traits: { ...TRAITS, modes: false } })).toEqual([]);
  });
});

describe('findMoves', () => {
  function moves(world: World & { record: Record<string, RecordEntry> }, extra: Partial<MoveInput> = {}): Promise<{ moves: string[]; knownEqual: string[]; replica: string[] }> {
    const replica = new PathTree(new Map(Object.entries(world.replica)));
    const input: MoveInput = {
      wanted: new Map(Object.entries(world.source)),
      replica,
      record: new PathTree(new Map(Object.entries(world.record))),
      isProtected: () => false,
      tolerance: 0.001,
      trustInodes: true,
      ...extra,
    };
    return findMoves(input).then((r) => ({ moves: brief(r.moves), knownEqual: [...r.knownEqual].sort(), replica: [...replica.keys()].sort() }));
  }

  it('a renamed folder is one move, its files known equal without reading (their ctime did not move)', async () => {
    const d = dir();
    const f = file(10);
    const rd = copyOf(d);
    const rf = copyOf(f);
    const read: string[] = [];
    const sameContents = async (s: string, r: string): Promise<boolean> => {
      read.push(`${s}<>${r}`);
      return true;
    };
    const result = await moves(
      { source: { new: { ...d, ctimeMs: T0 + 9 }, 'new/f': f }, replica: { old: rd, 'old/f': rf }, record: { old: recordOf(d, rd), 'old/f': recordOf(f, rf) } },
      { sameContents },
    );
    expect(result.moves).toEqual(['move old -> new']);
    expect(result.replica).toEqual(['new', 'new/f']);
    expect(read).toEqual([]);
  });

  it('a new folder that got a deleted folder\'s inode number (another birth time) is made, not moved there', async () => {
    // ext4 hands a freed inode number to the next folder made: "Notes" deleted and "data" made a moment later.
    const d = dir();
    const rd = copyOf(d);
    const reborn = { ...d, birthtimeMs: T0 + 60_000, ctimeMs: T0 + 60_000, mtimeMs: T0 + 60_000 };
    const result = await moves({ source: { data: reborn }, replica: { Notes: rd }, record: { Notes: recordOf(d, rd) } });
    expect(result.moves).toEqual([]);
    // Where the file system does not tell birth times (0), the inode alone still finds a renamed folder.
    const unknown = await moves({ source: { data: { ...d, birthtimeMs: 0 } }, replica: { Notes: rd }, record: { Notes: recordOf(d, rd) } });
    expect(unknown.moves).toEqual(['move Notes -> data']);
  });

  it('a renamed file whose ctime moved is confirmed by its contents: moved when equal, else copied', async () => {
    const f = file(10);
    const rf = copyOf(f);
    const world = { source: { b: { ...f, ctimeMs: T0 + 9 } }, replica: { a: rf }, record: { a: recordOf(f, rf) } };
    expect((await moves(world, { sameContents: async () => true })).moves).toEqual(['move a -> b']);
    expect((await moves(world, { sameContents: async () => false })).moves).toEqual([]);
    // Unasked (no way to read): copied, never moved over stale contents.
    expect((await moves(world)).moves).toEqual([]);
  });

  it('a new file on a reused inode number (another birth time) is not the recorded file', async () => {
    const f = file(10);
    const rf = copyOf(f);
    const reborn = { ...f, birthtimeMs: T0 + 60_000, ctimeMs: T0 + 60_000 };
    const result = await moves({ source: { b: reborn }, replica: { a: rf }, record: { a: recordOf(f, rf) } }, { sameContents: async () => true });
    expect(result.moves).toEqual([]);
  });

  it('a file edited in the replica since the last run is not moved', async () => {
    const f = file(10);
    const rf = copyOf(f);
    const result = await moves({ source: { b: f }, replica: { a: { ...rf, mtimeMs: T0 + 3000 } }, record: { a: recordOf(f, rf) } });
    expect(result.moves).toEqual([]);
  });

  it('finds a rename by content hash when inodes cannot be trusted, hashing only files of equal size', async () => {
    const f = file(10);
    const rf = copyOf(f);
    const hashed: string[] = [];
    const hash = (side: string) => async (rel: string): Promise<string> => {
      hashed.push(`${side}:${rel}`);
      return rel === 'other' ? 'h2' : 'h1';
    };
    const result = await moves(
      { source: { b: { ...f, ino: 999 } }, replica: { a: rf, other: file(11) }, record: { a: recordOf(f, rf) } },
      { trustInodes: false, hashSource: hash('s'), hashReplica: hash('r') },
    );
    expect(result.moves).toEqual(['move a -> b']);
    expect(result.knownEqual).toEqual(['b']);
    expect(hashed.sort()).toEqual(['r:a', 's:b']);
  });
});
