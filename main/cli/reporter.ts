/** What a Session tells its user, whichever the form: text (console-reporter.ts) or JSON lines (json-reporter.ts). */
import type { RunSummary, SyncEvent } from '../engine/index.js';

export interface TextSink {
  write(text: string): unknown;
}

export interface Reporter {
  handle(event: SyncEvent): void;
  /** After a run; `logFile`: where the run was logged, if it was. */
  summary(summary: RunSummary, aborted: boolean, logFile: string | undefined): void;
  /** The session's own news: the schedule, the drive wait. */
  note(text: string): void;
  /** A warning of the session's own (the watcher stopped, a pattern that can never match). */
  warn(text: string): void;
  /** An error: always shown, on stderr, whatever -q and --json say. */
  error(text: string): void;
}
