/** A source/replica/state trio in a temp folder, with a runner that collects the run's events. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { SyncOptions } from '../../main/engine/options.js';
import { runSync } from '../../main/engine/sync.js';
import type { RunSummary, SyncEvent } from '../../main/engine/types.js';
import { describeTree, tempDir } from './tree.js';

export interface Pair {
  readonly root: string;
  readonly source: string;
  readonly replica: string;
  readonly state: string;
  sync(extra?: Partial<SyncOptions>): Promise<{ summary: RunSummary; events: SyncEvent[]; ops: string[] }>;
  expectMirror(): void;
  cleanup(): void;
}

export function makePair(options: { createReplica?: boolean } = {}): Pair {
  const root = tempDir();
  const source = path.join(root, 'source');
  const replica = path.join(root, 'replica');
  const state = path.join(root, 'state');
  fs.mkdirSync(source);
  if (options.createReplica ?? true) fs.mkdirSync(replica);
  return {
    root,
    source,
    replica,
    state,
    async sync(extra = {}) {
      const events: SyncEvent[] = [];
      const summary = await runSync({ source, replica, stateDir: state, onEvent: (e) => events.push(e), ...extra });
      const ops = events.flatMap((e) => (e.type === 'op' ? [`${e.op} ${e.from !== undefined ? `${e.from} -> ` : ''}${e.path}`] : []));
      return { summary, events, ops };
    },
    expectMirror() {
      expect(describeTree(replica, { mtimes: true, modes: true })).toEqual(describeTree(source, { mtimes: true, modes: true }));
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
