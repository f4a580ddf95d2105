/** Milliseconds per stage of one run (RunStats.stageMs): started and stopped around each, or timed as a call. */
import { performance } from 'node:perf_hooks';
import type { RunStats } from '../types.js';

type Stage = Exclude<keyof RunStats['stageMs'], 'scanSource' | 'scanReplica'>;

export class StageClock {
  private readonly spent: Record<Stage, number> = { loadRecord: 0, triage: 0, plan: 0, execute: 0, saveRecord: 0 };
  private readonly started = new Map<Stage, number>();

  start(stage: Stage): void {
    this.started.set(stage, performance.now());
  }

  stop(stage: Stage): void {
    const at = this.started.get(stage);
    if (at !== undefined) this.spent[stage] += performance.now() - at;
    this.started.delete(stage);
  }

  /** Adds time a stage measured itself (the plan stage times its triage and the rest). */
  add(times: Partial<Record<Stage, number>>): void {
    for (const [stage, ms] of Object.entries(times) as Array<[Stage, number]>) this.spent[stage] += ms;
  }

  time<T>(stage: Stage, work: () => T): T {
    this.start(stage);
    try {
      return work();
    } finally {
      this.stop(stage);
    }
  }

  async timeAsync<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    this.start(stage);
    try {
      return await work();
    } finally {
      this.stop(stage);
    }
  }

  /** The stages so far, with the scans' own durations (they run alongside, so they are timed by the scans). */
  stages(scanSourceMs = 0, scanReplicaMs = 0): RunStats['stageMs'] {
    const round = (ms: number): number => Math.round(ms * 10) / 10;
    return {
      scanSource: round(scanSourceMs),
      scanReplica: round(scanReplicaMs),
      loadRecord: round(this.spent.loadRecord),
      triage: round(this.spent.triage),
      plan: round(this.spent.plan),
      execute: round(this.spent.execute),
      saveRecord: round(this.spent.saveRecord),
    };
  }
}
