/**
 * Entries a run skipped, named on stderr where the user looks: `warning: PATH: REASON`, the first
 * SKIPS_NAMED of each run, then one line with how many more there were and where all of them are written.
 */
import { escapeControls, showPath } from '../shared/log-format.js';

export const SKIPS_NAMED = 20;

export class SkipNotices {
  private count = 0;

  reset(): void {
    this.count = 0;
  }

  /** The warning for one skipped entry (`PATH: REASON`, without "warning: "), or undefined past the limit. */
  line(path: string, detail: string | undefined): string | undefined {
    this.count += 1;
    if (this.count > SKIPS_NAMED) return undefined;
    return `${showPath(path)}: ${escapeControls(detail ?? 'skipped')}`;
  }

  /** After the run: how many were not named, and where they are, if any were left out. */
  overflow(logFile: string | undefined): string | undefined {
    const more = this.count - SKIPS_NAMED;
    if (more <= 0) return undefined;
    const where = logFile === undefined ? 'no log was written: give -l DIR to keep them' : `see ${escapeControls(logFile)}`;
    return `… and ${more} more (${where})`;
  }
}
