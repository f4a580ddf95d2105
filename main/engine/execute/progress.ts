/**
 * Progress of a run's copies: files and bytes done of the plan's total, the bytes copied so far of files still
 * being copied (a large file shows before it is done), and which file. Told at most every PROGRESS_EVERY_MS and at
 * the last file: listeners show it, none needs every file.
 */
import type { Action, SyncEvent } from '../types.js';

const PROGRESS_EVERY_MS = 100;

export class Progress {
  private readonly filesTotal: number;
  private readonly bytesTotal: number;
  private filesDone = 0;
  private bytesDone = 0;
  private toldAt = 0;
  /** Bytes copied so far of files still being copied, by path, and their sum. */
  private readonly partial = new Map<string, number>();
  private partialBytes = 0;
  /** The file copied last or being copied. */
  private current: string | undefined;

  constructor(
    actions: readonly Action[],
    private readonly emit: (event: SyncEvent) => void,
  ) {
    let files = 0;
    let bytes = 0;
    for (const action of actions) {
      if (action.type !== 'copy' && action.type !== 'update') continue;
      files += 1;
      bytes += action.size;
    }
    this.filesTotal = files;
    this.bytesTotal = bytes;
  }

  get copies(): number {
    return this.filesTotal;
  }

  /** Bytes of a large file copied so far. */
  copying(rel: string, bytesSoFar: number): void {
    this.partialBytes += bytesSoFar - (this.partial.get(rel) ?? 0);
    this.partial.set(rel, bytesSoFar);
    this.current = rel;
    this.tell();
  }

  /** A copy ended: done (its bytes count) or not (they are dropped). */
  finished(rel: string, size: number, ok: boolean): void {
    const partial = this.partial.get(rel);
    if (partial !== undefined) {
      this.partialBytes -= partial;
      this.partial.delete(rel);
    }
    if (!ok) return;
    this.filesDone += 1;
    this.bytesDone += size;
    this.current = rel;
    this.tell();
  }

  private tell(): void {
    const now = Date.now();
    if (this.filesDone < this.filesTotal && now - this.toldAt < PROGRESS_EVERY_MS) return;
    this.toldAt = now;
    this.emit({
      type: 'progress',
      filesDone: this.filesDone,
      filesTotal: this.filesTotal,
      bytesDone: this.bytesDone + this.partialBytes,
      bytesTotal: this.bytesTotal,
      ...(this.current !== undefined ? { current: this.current } : {}),
    });
  }
}
