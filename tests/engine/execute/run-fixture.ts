/**
 * A source and a replica in a temp folder, opened as real Trees on one AtOps backend, and the RunState an execute
 * phase is handed: what tests/engine/execute/*.test.ts need to call one phase directly, on real files.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AtOps } from '../../../main/engine/fs/at.js';
import { NATIVE_TRAITS } from '../../../main/engine/fs/probe.js';
import { childOf, isFolder, isLink, Tree } from '../../../main/engine/fs/tree.js';
import { RunState, type ExecuteInput } from '../../../main/engine/execute/run-state.js';
import { RunTrash } from '../../../main/engine/execute/trash.js';
import { mtimeTolerance } from '../../../main/engine/plan/identity.js';
import { entryOf } from '../../../main/engine/scan/walk.js';
import type { Action, Entry, ReplicaTraits, SyncEvent } from '../../../main/engine/types.js';
import { tempDir } from '../../helpers/tree.js';

export const TRAITS: ReplicaTraits = { ...NATIVE_TRAITS, summary: 'ext4-like' };

export interface Fixture {
  readonly root: string;
  readonly source: string;
  readonly replica: string;
  readonly sourceTree: Tree;
  readonly replicaTree: Tree;
  readonly events: SyncEvent[];
  /** A RunState for `actions`, its `wanted` the source as it is now (a scan of it). */
  state(actions: readonly Action[], input?: Partial<ExecuteInput>): RunState;
  /** A run's trash in `root/trash`, opened on the same backend and closed with the fixture. */
  trash(): { readonly dir: string; readonly trash: RunTrash };
  /** The `op` events of one kind, as "op path" lines. */
  ops(kind?: string): string[];
  close(): void;
}

/** Every entry below the root of `tree`, as a scan reports it. */
export function entriesOf(tree: Tree, rel = '', into = new Map<string, Entry>()): Map<string, Entry> {
  for (const name of tree.readDir(rel)) {
    const child = childOf(rel, name);
    const stat = tree.lstat(child);
    if (stat === undefined) continue;
    into.set(child, entryOf(stat, isLink(stat) ? tree.readlink(child) : undefined));
    if (isFolder(stat)) entriesOf(tree, child, into);
  }
  return into;
}

export function makeFixture(ops: AtOps, replicaAt?: string): Fixture {
  const root = tempDir('exec-phase-');
  const source = path.join(root, 'source');
  const replica = replicaAt ?? path.join(root, 'replica');
  fs.mkdirSync(source);
  fs.mkdirSync(replica, { recursive: true });
  const sourceTree = Tree.open(source, ops);
  const replicaTree = Tree.open(replica, ops);
  const events: SyncEvent[] = [];
  const opened: Tree[] = [sourceTree, replicaTree];
  return {
    root,
    source,
    replica,
    sourceTree,
    replicaTree,
    events,
    state(actions, input = {}) {
      const wanted = entriesOf(sourceTree);
      return new RunState({
        actions,
        source: sourceTree,
        replica: replicaTree,
        wanted,
        sourceRootEntry: entryOf(sourceTree.lstat('')!),
        traits: TRAITS,
        tolerance: mtimeTolerance(TRAITS),
        emit: (event) => events.push(event),
        replicaIsMountRoot: false,
        ...input,
      });
    },
    trash() {
      const dir = path.join(root, 'trash');
      fs.mkdirSync(dir);
      const tree = Tree.open(dir, ops);
      opened.push(tree);
      return { dir, trash: RunTrash.startingAt(tree) };
    },
    ops(kind) {
      return events.flatMap((e) => (e.type === 'op' && (kind === undefined || e.op === kind) ? [`${e.op} ${e.path}`] : []));
    },
    close() {
      for (const tree of opened.splice(0)) tree.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Sets a path's mtime (and atime) to `ms`, without following a link. */
export function setMtime(file: string, ms: number): void {
  fs.lutimesSync(file, ms / 1000, ms / 1000);
}

export function mtimeOf(file: string): number {
  return fs.lstatSync(file).mtimeMs;
}

export function inodeOf(file: string): number {
  return fs.lstatSync(file).ino;
}
