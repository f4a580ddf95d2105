/**
 * The last runs of each pair (time, duration, counts, outcome), kept across restarts in one bounded file,
 * history.json in the state folder. History is a convenience, not a record: a damaged file is started afresh
 * (and said so), never trusted field by field beyond its shape. Written atomically: a new file with an
 * unpredictable name opened O_EXCL (a planted link at a guessable name cannot redirect the write), then renamed.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { HistoryEntry, RunCounts } from '../shared/ipc-contract.js';

/** Runs kept per pair: weeks of hourly runs would be too many to read; a day and a half is what a glance needs. */
export const HISTORY_KEPT = 50;

const OUTCOMES = new Set(['ok', 'partial', 'refused', 'failed']);

function isCounts(value: unknown): value is RunCounts {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return ['copied', 'updated', 'moved', 'deleted', 'errors', 'durationMs'].every((k) => typeof c[k] === 'number');
}

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.finishedAt === 'number' &&
    typeof e.durationMs === 'number' &&
    typeof e.outcome === 'string' &&
    OUTCOMES.has(e.outcome) &&
    typeof e.text === 'string' &&
    (e.counts === undefined || isCounts(e.counts))
  );
}

export class RunHistory {
  private runs = new Map<string, HistoryEntry[]>();
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Reads the file; returns a warning sentence when it could not be used (the history then starts empty). */
  async load(): Promise<string | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? null : `The run history could not be read (${(error as Error).message}); it starts afresh.`;
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; pairs?: unknown };
      if (parsed.version !== 1 || typeof parsed.pairs !== 'object' || parsed.pairs === null) throw new Error('not a history file');
      for (const [id, entries] of Object.entries(parsed.pairs as Record<string, unknown>)) {
        if (Array.isArray(entries)) this.runs.set(id, entries.filter(isEntry).slice(0, HISTORY_KEPT));
      }
      return null;
    } catch (error) {
      return `The run history could not be used (${(error as Error).message}); it starts afresh.`;
    }
  }

  /** Newest first. */
  entries(pairId: string): readonly HistoryEntry[] {
    return this.runs.get(pairId) ?? [];
  }

  add(pairId: string, entry: HistoryEntry): void {
    this.runs.set(pairId, [entry, ...this.entries(pairId)].slice(0, HISTORY_KEPT));
    this.save();
  }

  /** Forgets pairs that are no longer set up. */
  retain(pairIds: ReadonlySet<string>): void {
    const before = this.runs.size;
    for (const id of [...this.runs.keys()]) if (!pairIds.has(id)) this.runs.delete(id);
    if (this.runs.size !== before) this.save();
  }

  /** Resolves when every write asked for so far is on disk. */
  flush(): Promise<void> {
    return this.writing;
  }

  private save(): void {
    const text = `${JSON.stringify({ version: 1, pairs: Object.fromEntries(this.runs) })}\n`;
    // One write at a time, in order: the last one wins.
    this.writing = this.writing.then(() => this.write(text)).catch((error: unknown) => {
      process.stderr.write(`folder-sync: could not save the run history: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  }

  private async write(text: string): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${randomBytes(8).toString('hex')}.tmp`;
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, this.file);
  }
}
