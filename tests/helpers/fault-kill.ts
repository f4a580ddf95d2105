/**
 * Kill anywhere: a run over a tree with pending changes is SIGKILLed — at a random moment, right after a share
 * of its planned actions, at a step of the record write, or a few milliseconds into its copies — then run
 * again to completion. Every case checks:
 * no replica file was ever seen partial or spliced (a watcher reads them throughout), the record is the old
 * one or a usable new one, the resumed run converges with no temp names left, and one more run changes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { recordFileFor } from '../../main/engine/record/record-file.js';
import { runToEnd, startRunner, startWatcher, type RecordStep, type RunnerOptions } from './fault-child.js';
import { expectUsableRecord, FaultTree, leftovers, mirrorOf, prng, recordBytes, type TreeShape } from './fault-tree.js';
import { asMirrored, tempDir } from './tree.js';

export interface KillStats {
  cases: number;
  /** Phase the run was in when it died ('startup' before the engine said anything, 'finished' if it beat the kill). */
  byPhase: Record<string, number>;
  recordOld: number;
  recordNew: number;
  watcherReads: number;
  /** Record temp files left in the state folder by kills during the record write. */
  stateLeftovers: string[];
  runMs: number;
}

const RECORD_STEPS: readonly RecordStep[] = ['open', 'write', 'fsync', 'rename', 'renamed'];

export async function killCases(options: { seed: number; cases: number; shape: TreeShape; churn: number }): Promise<KillStats> {
  const random = prng(options.seed);
  const root = tempDir('fs-kill-');
  const source = path.join(root, 'source');
  const replica = path.join(root, 'replica');
  const stateDir = path.join(root, 'state');
  const run: RunnerOptions = { source, replica, stateDir };
  const tree = new FaultTree(source, random);
  const stats: KillStats = { cases: 0, byPhase: {}, recordOld: 0, recordNew: 0, watcherReads: 0, stateLeftovers: [], runMs: 0 };
  try {
    tree.populate(options.shape);
    await runToEnd(run);
    tree.churn(options.churn);
    stats.runMs = (await runToEnd(run)).ms;
    for (let i = 0; i < options.cases; i += 1) {
      tree.churn(options.churn);
      const expected = mirrorOf(source);
      const oldRecord = recordBytes(stateDir, source, replica);
      const watcher = await startWatcher(replica);
      const kind = i % 4;
      let timer: NodeJS.Timeout | undefined;
      // Kind 3 waits for the copies to start, then kills within a few milliseconds: mid-file, mid-rename.
      const onPhase = (phase: string): void => {
        if (kind === 3 && timer === undefined && (phase === 'op:copy' || phase === 'op:update')) {
          timer = setTimeout(() => killed.kill(), random.int(40));
        }
      };
      const killed =
        kind === 0 || kind === 3
          ? startRunner(run, undefined, onPhase)
          : kind === 1
            ? startRunner({ ...run, killAfterShare: random.next() })
            : startRunner({ ...run, killInRecord: RECORD_STEPS[Math.floor(i / 4) % RECORD_STEPS.length]! });
      if (kind === 0) timer = setTimeout(() => killed.kill(), random.int(stats.runMs + 1));
      const exit = await killed.exited;
      clearTimeout(timer);
      const phase = exit.summary ? 'finished' : (exit.phases.at(-1) ?? 'startup');
      if (!exit.summary && exit.signal !== 'SIGKILL') throw new Error(`case ${i}: the run crashed:\n${exit.stderr}`);
      stats.byPhase[phase] = (stats.byPhase[phase] ?? 0) + 1;

      const nowRecord = recordBytes(stateDir, source, replica);
      if (oldRecord !== undefined && nowRecord !== undefined && nowRecord.equals(oldRecord)) stats.recordOld += 1;
      else {
        stats.recordNew += 1;
        expectUsableRecord(stateDir, source, replica);
      }

      const resumed = await runToEnd(run);
      expect(resumed.summary.status, `case ${i} (killed in ${phase}): resumed run`).toBe('ok');
      expect(leftovers(replica), `case ${i}: temp names left in the replica`).toEqual([]);
      expect(mirrorOf(replica), `case ${i} (killed in ${phase}): replica equals source`).toEqual(asMirrored(expected));
      const quiet = await runToEnd(run);
      const { copied, updated, moved, deleted, created, metadata } = quiet.summary;
      expect({ copied, updated, moved, deleted, created, metadata }, `case ${i}: a run after convergence changes nothing`).toEqual({
        copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0,
      });
      const report = await watcher.stop();
      expect(report.violations, `case ${i} (killed in ${phase}): replica files seen partial or spliced`).toEqual([]);
      stats.watcherReads += report.reads;
      stats.cases += 1;
    }
    const recordName = path.basename(recordFileFor(stateDir, path.resolve(source), path.resolve(replica)));
    stats.stateLeftovers = fs.readdirSync(stateDir).filter((name) => name !== recordName);
    return stats;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
