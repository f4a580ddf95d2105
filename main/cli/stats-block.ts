/** `--stats` and `-v`: where a run's time went and what it read, after the summary (rsync's --stats, briefly). */
import type { RunSummary } from '../engine/index.js';
import { formatBytes, formatDuration } from '../shared/log-format.js';

/** A stage's time: to the millisecond below a second (stages are often a few ms), else as run durations are. */
export function formatStageTime(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms);
}

const STAGES = [
  ['scanSource', 'scan source'],
  ['scanReplica', 'scan replica'],
  ['loadRecord', 'load record'],
  ['triage', 'triage'],
  ['plan', 'plan'],
  ['execute', 'execute'],
  ['saveRecord', 'save record'],
] as const;

export function statsLines(summary: RunSummary): string[] {
  const stats = summary.stats;
  if (stats === undefined) return [];
  return [
    `stats   entries scanned: ${stats.sourceEntries} in the source, ${stats.replicaEntries} in the replica; read ${formatBytes(stats.bytesRead)}`,
    `stats   time per stage: ${STAGES.map(([key, name]) => `${name} ${formatStageTime(stats.stageMs[key])}`).join(', ')}`,
  ];
}
