/** A source/replica/state trio in a temp folder, with a runner that collects the run's events. */
import fs from 'node:fs';
import path from 'node:path';
import type { SyncOptions } from '../../main/engine/run/options.js';
import { runSync } from '../../main/engine/run/sync.js';
import type { RunSummary, SyncEvent } from '../../main/engine/types.js';
import { expectMirrorOf, tempDir } from './tree.js';

export interface CollectedRun {
  readonly summary: RunSummary;
  readonly events: SyncEvent[];
  /** One line per operation event: `copy a.txt`, `move old -> new`. */
  readonly ops: string[];
}

/** Runs the engine once, collecting its events and the operations as short lines. */
export async function runCollecting(options: SyncOptions): Promise<CollectedRun> {
  const events: SyncEvent[] = [];
  const summary = await runSync({
    ...options,
    onEvent: (e) => {
      events.push(e);
      options.onEvent?.(e); // a test's own listener still hears every event
    },
  });
  const ops = events.flatMap((e) => (e.type === 'op' ? [`${e.op} ${e.from !== undefined ? `${e.from} -> ` : ''}${e.path}`] : []));
  return { summary, events, ops };
}

export interface Pair {
  readonly root: string;
  readonly source: string;
  readonly replica: string;
  readonly state: string;
  sync(extra?: Partial<SyncOptions>): Promise<CollectedRun>;
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
    sync(extra = {}) {
      return runCollecting({ source, replica, stateDir: state, ...extra });
    },
    expectMirror() {
      expectMirrorOf(replica, source);
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
