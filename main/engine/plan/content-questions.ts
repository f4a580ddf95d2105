/**
 * What the planner may read of file contents, and nothing more: hashes of either side and a bounded comparison,
 * asked by relative path and answered through the trees' descriptors (fs/contents.ts). The planner itself stays
 * pure; the bytes these reads cost are counted for the run's statistics.
 */
import { hashFile, sameSampledContents, type ReadCounter } from '../fs/contents.js';
import type { Tree } from '../fs/tree.js';

/** Reads of file contents the planner may ask for (by relative path); each answer undefined/false when unreadable. */
export interface ContentQuestions {
  hashSource(rel: string): Promise<string | undefined>;
  hashReplica(rel: string): Promise<string | undefined>;
  /** The source file at `sourceRel` holds what the replica file at `replicaRel` holds (a bounded comparison). */
  sameContents(sourceRel: string, replicaRel: string, size: number): Promise<boolean>;
}

/** The questions, with what answering them read so far. */
export interface CountedQuestions extends ContentQuestions {
  readonly read: ReadCounter;
}

/** A dry run without a replica reads nothing there. */
export function contentQuestions(sourceTree: Tree, replicaTree: Tree | undefined): CountedQuestions {
  const read: ReadCounter = { bytes: 0 };
  const tryHash = async (tree: Tree | undefined, rel: string): Promise<string | undefined> => (tree === undefined ? undefined : hashFile({ tree, rel }, read).catch(() => undefined));
  return {
    read,
    hashSource: (rel) => tryHash(sourceTree, rel),
    hashReplica: (rel) => tryHash(replicaTree, rel),
    sameContents: async (to, from, size) => replicaTree !== undefined && sameSampledContents({ tree: sourceTree, rel: to }, { tree: replicaTree, rel: from }, size, read),
  };
}
