/**
 * The progress of a run in figures, for the command line's progress line and the app's bar alike: bytes done of
 * the total, the rate over the last few seconds, the time left, the files, the file being copied. One place, so
 * both say the same.
 */
import type { SyncEvent } from '../engine/index.js';
import { formatBytes, showPath } from './log-format.js';

export type ProgressEvent = Extract<SyncEvent, { type: 'progress' }>;

/** The rate is measured over this much of the recent past: steady enough to read, quick to follow a change. */
const RATE_WINDOW_MS = 5000;

/** Bytes per second over the last few seconds of samples. */
export class RateMeter {
  private readonly samples: Array<{ readonly at: number; readonly bytes: number }> = [];

  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= RATE_WINDOW_MS) this.samples.shift();
  }

  /** Undefined until two samples at least 200 ms apart. */
  perSecond(): number | undefined {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (first === undefined || last === undefined || last.at - first.at < 200) return undefined;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }

  reset(): void {
    this.samples.length = 0;
  }
}

/** `1:05` or `1:02:05`. */
export function formatEta(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** The figures of a progress line (`1.2 GiB of 2.0 GiB (60%), 105.3 MiB/s, 0:08 left, 1234/3002 files`) and its file. */
export function progressParts(event: ProgressEvent, rate: number | undefined): { readonly figures: string; readonly file: string } {
  const percent = event.bytesTotal > 0 ? ` (${Math.floor((event.bytesDone / event.bytesTotal) * 100)}%)` : '';
  const parts = [`${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)}${percent}`];
  if (rate !== undefined && rate > 0) {
    parts.push(`${formatBytes(rate)}/s`);
    parts.push(`${formatEta((event.bytesTotal - event.bytesDone) / rate)} left`);
  }
  parts.push(`${event.filesDone}/${event.filesTotal} files`);
  return { figures: parts.join(', '), file: event.current === undefined ? '' : showPath(event.current) };
}
