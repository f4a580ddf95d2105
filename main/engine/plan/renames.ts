/**
 * Renames and moves: a source entry with no counterpart in the replica may be an entry the replica already
 * holds under another name. Moving it there costs one rename instead of a copy.
 *
 * In order: case-only renames (case-insensitive replicas), folder renames (found by inode in the record),
 * file renames by inode from the record (no bytes read), then by content hash among replica files that no
 * longer belong anywhere, hashing only candidates of equal size and reusing hashes from the record.
 * Each found move is applied to the working copies of the replica and the record, so that planning the
 * rest sees the replica as it will be.
 */
import { birthCompatible, renameEvidence, replicaAsRecorded } from './identity.js';
import { orderedLookup } from '../snapshot/ordered-lookup.js';
import type { PathTree } from '../snapshot/path-tree.js';
import { isWithin, parentOf } from '../fs/paths.js';
import type { RecordEntry } from '../record/record.js';
import type { Action, Entry } from '../types.js';

export type MoveAction = Extract<Action, { type: 'move' }>;

export interface MoveInput {
  /** Source entries the replica will hold (representable, not excluded), parents before children. */
  readonly wanted: ReadonlyMap<string, Entry>;
  /** Working copies, changed in place as moves are found. */
  readonly replica: PathTree<Entry>;
  readonly record: PathTree<RecordEntry>;
  /** Identity on case-sensitive replicas; the case-folded key on case-insensitive ones. */
  readonly keyOf?: (rel: string) => string;
  /** Replica paths that must not move or be deleted (below unreadable source folders). */
  readonly isProtected: (rel: string) => boolean;
  readonly tolerance: number;
  /** The source's inode numbers identify files (see inodesLookStable in identity.ts). */
  readonly trustInodes: boolean;
  /**
   * Whether the source file at `sourceRel` holds what the replica file at `replicaRel` does, compared on a bounded
   * sample (contents.ts): asked only of a file that the record says was renamed but whose ctime moved, which a
   * rewrite in place with its size and mtime restored does too. Absent: such a file is copied, not moved.
   */
  readonly sameContents?: (sourceRel: string, replicaRel: string) => Promise<boolean>;
  /** Content hashes; undefined when the file cannot be read. Absent: no hashing at all. */
  readonly hashSource?: (rel: string) => Promise<string | undefined>;
  readonly hashReplica?: (rel: string) => Promise<string | undefined>;
}

export interface MoveResult {
  readonly moves: MoveAction[];
  /** Replica paths whose contents are known to equal the source's after the moves. */
  readonly knownEqual: Set<string>;
  /** Hashes learnt along the way, by source path, for the record. */
  readonly sourceHashes: Map<string, string>;
}

export async function findMoves(input: MoveInput): Promise<MoveResult> {
  const result: MoveResult = { moves: [], knownEqual: new Set(), sourceHashes: new Map() };
  if (input.keyOf) await applyCaseMoves(input, input.keyOf, result);
  applyDirectoryMoves(input, result);
  await applyFileMoves(input, result);
  return result;
}

function kindsMatch(a: Entry['kind'], b: Entry['kind']): a is 'file' | 'dir' | 'symlink' {
  return a === b && a !== 'other';
}

/** `Photos/A.JPG` in the replica and `photos/a.jpg` in the source are one entry on a case-insensitive drive. */
async function applyCaseMoves(input: MoveInput, keyOf: (rel: string) => string, result: MoveResult): Promise<void> {
  const byKey = new Map<string, string>();
  for (const rel of input.replica.keys()) byKey.set(keyOf(rel), rel);
  const renamedDirs: Array<[string, string]> = [];
  const current = (rel: string): string => {
    for (const [from, to] of renamedDirs) if (isWithin(rel, from)) rel = to + rel.slice(from.length);
    return rel;
  };
  for (const [rel, src] of input.wanted) {
    if (input.replica.has(rel)) continue;
    const original = byKey.get(keyOf(rel));
    if (original === undefined) continue;
    const from = current(original);
    const rep = input.replica.get(from);
    if (from === rel || rep === undefined || !kindsMatch(rep.kind, src.kind) || input.isProtected(from)) continue;
    // Only the very file the record saw, renamed, is known equal: a collision's new winner (another file whose
    // name has the same key) or a file edited along with its rename still has its contents compared.
    const rec = input.record.get(from);
    const sameFile = rep.kind !== 'dir' && rec !== undefined && replicaAsRecorded(rep, rec, input.tolerance) && (await isRenamed(input, src, rec, rel, from));
    result.moves.push({ type: 'move', from, path: rel, kind: rep.kind, why: 'renamed, only in letter case' });
    input.replica.moveSubtree(from, rel);
    input.record.moveSubtree(from, rel);
    if (rep.kind === 'dir') renamedDirs.push([from, rel]);
    else if (sameFile) result.knownEqual.add(rel);
  }
}

/**
 * The source file at `to` is the record's file at `from`, renamed, with the contents the replica holds for it:
 * known from metadata when its ctime did not move (a file inside a renamed folder), else confirmed on its contents.
 */
async function isRenamed(input: MoveInput, src: Entry, rec: RecordEntry, to: string, from: string): Promise<boolean> {
  const evidence = renameEvidence(src, rec, input.trustInodes);
  if (evidence === 'same') return true;
  return evidence === 'confirm' && input.sameContents !== undefined && (await input.sameContents(to, from));
}

/** Index of the record by inode, translated through the folder moves found so far. */
class InodeIndex {
  /** Built on the first question: a run with no newcomer (most runs) never pays for it. */
  private byIno: Map<number, string[]> | undefined;
  private readonly dirMoves: Array<[string, string]> = [];

  constructor(
    private readonly record: PathTree<RecordEntry>,
    private readonly kind: RecordEntry['kind'],
  ) {}

  private index(): Map<number, string[]> {
    if (this.byIno !== undefined) return this.byIno;
    const byIno = new Map<number, string[]>();
    for (const [rel, entry] of this.record.entries()) {
      if (entry.kind !== this.kind) continue;
      const list = byIno.get(entry.ino);
      if (list) list.push(rel);
      else byIno.set(entry.ino, [rel]);
    }
    this.byIno = byIno;
    return byIno;
  }

  noteDirMove(from: string, to: string): void {
    this.dirMoves.push([from, to]);
  }

  candidates(ino: number): string[] {
    return (this.index().get(ino) ?? []).map((rel) => {
      for (const [from, to] of this.dirMoves) if (isWithin(rel, from)) rel = to + rel.slice(from.length);
      return rel;
    });
  }
}

/** A folder may move to `to` only if nothing on the way there is a file. */
function pathIsClear(replica: PathTree<Entry>, to: string): boolean {
  for (let dir = parentOf(to); dir !== ''; dir = parentOf(dir)) {
    const entry = replica.get(dir);
    if (entry !== undefined) return entry.kind === 'dir';
  }
  return true;
}

/** A replica entry is free to move away when the source no longer wants it where it is (as the same inode). */
function freeToLeave(input: MoveInput, from: string, ino: number): boolean {
  if (input.isProtected(from)) return false;
  const stay = input.wanted.get(from);
  return stay === undefined || stay.ino !== ino;
}

function applyDirectoryMoves(input: MoveInput, result: MoveResult): void {
  const index = new InodeIndex(input.record, 'dir');
  for (const [to, src] of input.wanted) {
    if (src.kind !== 'dir' || input.replica.has(to)) continue;
    for (const from of index.candidates(src.ino)) {
      const rec = input.record.get(from);
      const rep = input.replica.get(from);
      if (rec?.kind !== 'dir' || rep?.kind !== 'dir' || isWithin(to, from) || isWithin(from, to)) continue;
      // A folder made after another was deleted may be given its inode number: another birth time tells them apart.
      if (!birthCompatible(src.birthtimeMs, rec.birthtimeMs)) continue;
      if (!freeToLeave(input, from, src.ino) || !pathIsClear(input.replica, to)) continue;
      result.moves.push({ type: 'move', from, path: to, kind: 'dir', why: 'same folder (inode)' });
      input.replica.moveSubtree(from, to);
      input.record.moveSubtree(from, to);
      index.noteDirMove(from, to);
      break;
    }
  }
}

/**
 * File moves are found against the state before any of them, then applied together: the executor moves every
 * source aside first and then into place, so swaps, chains and cycles of renames all come out right.
 */
async function applyFileMoves(input: MoveInput, result: MoveResult): Promise<void> {
  const index = new InodeIndex(input.record, 'file');
  const claimed = new Map<string, string>(); // from → to
  const byContent = new Set<string>(); // the froms matched by hash rather than by inode
  const unmatched: Array<[string, Entry]> = [];
  // Hashing needs a replica file no longer wanted where it is; a first mirror has none, and a hundred thousand
  // newcomers need not be listed for nothing.
  const mayHash = input.hashSource !== undefined && input.hashReplica !== undefined && hasOrphanFile(input);
  const replicaAt = orderedLookup(input.replica);
  const recordAt = orderedLookup(input.record);
  for (const [to, src] of input.wanted) {
    const rep = replicaAt(to);
    const rec = recordAt(to);
    if (src.kind !== 'file' || !isNewcomer(rep, rec, src)) continue;
    const from = await firstMovable(input, index.candidates(src.ino), to, src, claimed);
    if (from !== undefined) claimed.set(from, to);
    else if (mayHash) unmatched.push([to, src]);
  }
  if (unmatched.length > 0) await matchByHash(input, unmatched, claimed, result, byContent);
  const taken = [...claimed].map(([from, to]) => ({ from, to, rep: input.replica.get(from)!, rec: input.record.get(from) }));
  for (const { from } of taken) {
    input.replica.delete(from);
    input.record.delete(from);
  }
  for (const { from, to, rep, rec } of taken) {
    result.moves.push({ type: 'move', from, path: to, kind: 'file', why: byContent.has(from) ? 'same contents' : 'same file (inode)' });
    input.replica.set(to, rep);
    if (rec) input.record.set(to, rec);
    else input.record.delete(to);
    result.knownEqual.add(to);
  }
}

function hasOrphanFile(input: MoveInput): boolean {
  for (const [rel, rep] of input.replica.entries()) {
    if (rep.kind === 'file' && rep.size > 0 && !input.wanted.has(rel) && !input.isProtected(rel)) return true;
  }
  return false;
}

/** Nothing in the replica holds this file's contents at its path yet. */
function isNewcomer(rep: Entry | undefined, rec: RecordEntry | undefined, src: Entry): boolean {
  if (rep === undefined) return true;
  // The path holds a file from another lineage (a swap, or a file moved over another): its content may be elsewhere.
  return rep.kind === 'file' && rec?.kind === 'file' && rec.ino !== src.ino;
}

/** The first replica file of `candidates` (the record's files of this inode) that is this source file, renamed. */
async function firstMovable(input: MoveInput, candidates: readonly string[], to: string, src: Entry, claimed: Map<string, string>): Promise<string | undefined> {
  for (const from of candidates) {
    if (from === to || claimed.has(from)) continue;
    const rec = input.record.get(from);
    const rep = input.replica.get(from);
    if (rec?.kind !== 'file' || rep?.kind !== 'file' || !replicaAsRecorded(rep, rec, input.tolerance) || !freeToLeave(input, from, src.ino)) continue;
    if (await isRenamed(input, src, rec, to, from)) return from;
  }
  return undefined;
}

/**
 * A replica file the record vouches for is a source file's contents as last synced. Had that file been renamed,
 * its inode (kept by a rename) would have found it above, with no bytes read; so with trustworthy inodes it was
 * deleted or rewritten, and hashing it cannot find a rename (inode numbers are reused at once, so even a
 * newcomer holding the same inode number is another file unless it matched above).
 */
function contentsKnownGone(input: MoveInput): (rel: string, rep: Entry) => boolean {
  if (!input.trustInodes) return () => false;
  return (rel, rep) => {
    const rec = input.record.get(rel);
    return rec?.kind === 'file' && replicaAsRecorded(rep, rec, input.tolerance);
  };
}

async function matchByHash(
  input: MoveInput,
  unmatched: Array<[string, Entry]>,
  claimed: Map<string, string>,
  result: MoveResult,
  byContent: Set<string>,
): Promise<void> {
  const orphansBySize = new Map<number, string[]>();
  const gone = contentsKnownGone(input);
  for (const [rel, rep] of input.replica.entries()) {
    if (rep.kind !== 'file' || rep.size === 0 || claimed.has(rel) || input.wanted.has(rel) || input.isProtected(rel)) continue;
    if (gone(rel, rep)) continue;
    const list = orphansBySize.get(rep.size);
    if (list) list.push(rel);
    else orphansBySize.set(rep.size, [rel]);
  }
  if (orphansBySize.size === 0) return;
  const replicaHashes = new Map<string, string | undefined>();
  const replicaHash = async (rel: string): Promise<string | undefined> => {
    if (!replicaHashes.has(rel)) {
      const rec = input.record.get(rel);
      const rep = input.replica.get(rel)!;
      const known = rec?.hash !== undefined && replicaAsRecorded(rep, rec, input.tolerance) ? rec.hash : undefined;
      replicaHashes.set(rel, known ?? (await input.hashReplica!(rel)));
    }
    return replicaHashes.get(rel);
  };
  for (const [to, src] of unmatched) {
    const candidates = orphansBySize.get(src.size)?.filter((rel) => !claimed.has(rel));
    if (!candidates || candidates.length === 0) continue;
    const hash = await input.hashSource!(to);
    if (hash === undefined) continue;
    result.sourceHashes.set(to, hash);
    for (const from of candidates) {
      if ((await replicaHash(from)) === hash) {
        claimed.set(from, to);
        byContent.add(from);
        break;
      }
    }
  }
}
