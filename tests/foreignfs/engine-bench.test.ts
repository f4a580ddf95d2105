/**
 * How long a no-change run takes over a 10,000-file replica on each foreign drive (100 folders × 100 files of
 * 1–4 KiB, on a 256 MiB image). Slow (the first, full copy through a FUSE driver takes a while): runs only with
 * FS_BENCH=1. Prints the numbers; asserts only a generous bound and that nothing was changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSync } from '../../main/engine/run/sync.js';
import type { RunSummary, SyncEvent } from '../../main/engine/types.js';
import { IMAGE_KINDS, imageSupportMissing, mountImage, type MountedImage } from '../helpers/fs-images.js';
import { tempDir } from '../helpers/tree.js';

const FOLDERS = 100;
const FILES_PER_FOLDER = 100;
const enabled = process.env.FS_BENCH === '1';
if (!enabled) console.info('skipping the 10,000-file drive benchmark: set FS_BENCH=1 to run it');

/** Deterministic sizes from 1 to 4 KiB. */
function writeSource(source: string): void {
  let seed = 7;
  for (let d = 0; d < FOLDERS; d += 1) {
    const dir = path.join(source, `folder-${String(d).padStart(3, '0')}`);
    fs.mkdirSync(dir);
    for (let f = 0; f < FILES_PER_FOLDER; f += 1) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      const size = 1024 + (seed % (3 * 1024 + 1));
      fs.writeFileSync(path.join(dir, `file-${String(f).padStart(3, '0')}.txt`), Buffer.alloc(size, `${d}:${f};`));
    }
  }
}

async function timed(options: { source: string; replica: string; stateDir: string }): Promise<{ ms: number; summary: RunSummary; changes: number }> {
  let changes = 0;
  const onEvent = (e: SyncEvent): void => {
    if (e.type === 'op' && e.op !== 'skip') changes += 1;
  };
  const started = performance.now();
  const summary = await runSync({ ...options, onEvent });
  return { ms: performance.now() - started, summary, changes };
}

/** The floor any sync tool pays: list every folder and lstat every entry of the replica, nothing else. */
function walkMs(dir: string): number {
  const started = performance.now();
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const name of fs.readdirSync(current)) {
      const child = path.join(current, name);
      if (fs.lstatSync(child).isDirectory()) pending.push(child);
    }
  }
  return performance.now() - started;
}

const root = enabled ? tempDir('folder-sync-drivebench-') : '';
afterAll(() => {
  if (root !== '') fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!enabled)('no-change run over 10,000 files on a foreign drive', () => {
  const source = path.join(root, 'source');
  if (enabled) {
    fs.mkdirSync(source);
    writeSource(source);
  }

  for (const kind of IMAGE_KINDS) {
    const missing = imageSupportMissing(kind);
    if (missing !== undefined) console.warn(`skipping the ${kind} benchmark: ${missing}`);

    it.skipIf(missing !== undefined)(kind, { timeout: 30 * 60_000 }, async () => {
      let drive: MountedImage | undefined;
      try {
        drive = await mountImage(kind, 256);
        const options = { source, replica: path.join(drive.dir, 'replica'), stateDir: path.join(root, `state-${kind}`) };
        const full = await timed(options);
        expect(full.summary).toMatchObject({ status: 'ok', errors: 0, copied: FOLDERS * FILES_PER_FOLDER });
        const runs = [await timed(options), await timed(options), await timed(options)];
        for (const run of runs) {
          expect(run.summary).toMatchObject({ status: 'ok', errors: 0 });
          expect(run.changes).toBe(0);
          expect(run.ms).toBeLessThan(60_000);
        }
        const times = runs.map((run) => run.ms.toFixed(0)).join(' / ');
        const walk = walkMs(options.replica).toFixed(0);
        console.log(`${kind}: full copy of 10,000 files ${(full.ms / 1000).toFixed(1)} s; no-change runs ${times} ms; a bare readdir+lstat walk of the replica ${walk} ms`);
      } finally {
        await drive?.dispose();
      }
    });
  }
});
