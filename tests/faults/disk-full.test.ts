/**
 * Disk full (heavy): as tests/engine/faults-disk-full.test.ts but through the built engine in a child process
 * (its copies run in worker threads, several in flight when the drive fills) on a tmpfs, and on real FAT32 and
 * exFAT images (FUSE drivers) filled to the brim.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertEngineBuilt, runToEnd } from '../helpers/fault-child.js';
import { versionedContent } from '../helpers/fault-content.js';
import { brokenFiles } from '../helpers/fault-edits.js';
import { mountTmpfs, tmpfsSupportMissing } from '../helpers/fault-mount.js';
import { expectUsableRecord, leftovers } from '../helpers/fault-tree.js';
import { imageSupportMissing, mountImage, type ImageKind } from '../helpers/fs-images.js';
import { describeTree, tempDir } from '../helpers/tree.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Appends to `file` until the drive is full (fusefat reports no free-space figures to compute it from). */
function fillUp(file: string): void {
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  const fd = fs.openSync(file, 'w');
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (error) {
    // fusefat says EPERM when it is full.
    if (!['ENOSPC', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
  } finally {
    fs.closeSync(fd);
  }
}

/** Fills `drive` but for `spareBytes` with a ballast file, then syncs a source bigger than what is left. */
async function fillAndSync(drive: string, spareBytes: number, maxErrors = 1): Promise<void> {
  assertEngineBuilt();
  const root = tempDir('fs-full-');
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
  const source = path.join(root, 'source');
  const replica = path.join(drive, 'replica');
  const run = { source, replica, stateDir: path.join(root, 'state') };
  for (let i = 0; i < 200; i += 1) {
    fs.mkdirSync(path.join(source, `d${i % 10}`), { recursive: true });
    fs.writeFileSync(path.join(source, `d${i % 10}`, `f${i}.dat`), versionedContent(`f${i}`, 1, 20_000 + (i % 7) * 3000));
  }
  fs.writeFileSync(path.join(source, 'big.bin'), versionedContent('big', 1, 3 << 20));
  const ballast = path.join(drive, 'ballast');
  fillUp(ballast);
  fs.truncateSync(ballast, fs.statSync(ballast).size - spareBytes);

  const full = await runToEnd(run);
  expect(full.summary.status).toBe('partial');
  expect(full.summary.errors).toBeGreaterThanOrEqual(1);
  expect(full.summary.errors, full.errors.join('\n')).toBeLessThanOrEqual(maxErrors);
  expect(leftovers(replica)).toEqual([]);
  expect(brokenFiles(replica)).toEqual([]);
  expectUsableRecord(run.stateDir, source, replica);

  fs.rmSync(ballast);
  const freed = await runToEnd(run);
  expect(freed.summary.status).toBe('ok');
  const names = (tree: Record<string, { kind: string; size?: number; hash?: string }>): Array<[string, string, number | undefined, string | undefined]> =>
    Object.entries(tree).map(([rel, e]) => [rel.toLowerCase(), e.kind, e.size, e.hash]);
  expect(names(describeTree(replica))).toEqual(names(describeTree(source)));
  expect(leftovers(replica)).toEqual([]);
}

describe('disk full (heavy)', () => {
  it.skipIf(tmpfsSupportMissing() !== undefined)('tmpfs: one error, nothing partial, converges after freeing space', async () => {
    const root = tempDir('fs-fullmnt-');
    const drive = mountTmpfs(path.join(root, 'drive'), '16m');
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }), () => drive.dispose());
    await fillAndSync(drive.dir, 2 << 20);
  });

  for (const kind of ['fat', 'exfat'] as ImageKind[]) {
    it.skipIf(imageSupportMissing(kind) !== undefined)(`${kind} image: one error, nothing partial, converges after freeing space`, async () => {
      const image = await mountImage(kind, 32);
      cleanups.push(() => image.dispose());
      // fusefat answers a full drive with EPERM, not ENOSPC: the run stops after EPERM in 4 folders or 8 files in a
      // row (a small file that still fits in between starts the count again); before that stop it logged 129 errors.
      await fillAndSync(image.dir, 2 << 20, kind === 'fat' ? 12 : 1);
    });
  }
});
