/**
 * A source on a FUSE drive (exFAT, FAT) gets new inode numbers at every mount. After a remount the record's
 * inodes identify nothing: the run must neither re-copy every file nor miss a rename (found by content).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../../main/engine/run/sync.js';
import type { SyncEvent } from '../../main/engine/types.js';
import { imageSupportMissing, mountImage, type MountedImage } from '../helpers/fs-images.js';
import { describeTree, tempDir, writeTree } from '../helpers/tree.js';

const missing = imageSupportMissing('exfat');
let drive: MountedImage | undefined;
let work: string | undefined;

afterEach(async () => {
  await drive?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  drive = undefined;
});

describe.skipIf(missing !== undefined)('a source on an exFAT drive that is remounted', () => {
  if (missing !== undefined) console.log(`skipped: ${missing}`);

  it('copies nothing again after the inodes were renumbered, and still moves a renamed file', async () => {
    work = tempDir();
    drive = await mountImage('exfat');
    const source = path.join(drive.dir, 'photos');
    const replica = path.join(work, 'replica');
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i += 1) files[`album/p${i}.jpg`] = `photo ${i} `.repeat(50 + i);
    writeTree(source, files);
    const options = { source, replica, stateDir: path.join(work, 'state') };
    expect(await runSync(options)).toMatchObject({ status: 'ok', copied: 30 });

    await drive.unmount();
    await drive.remount();
    fs.renameSync(path.join(source, 'album/p7.jpg'), path.join(source, 'album/renamed.jpg'));
    const warnings: string[] = [];
    const summary = await runSync({ ...options, onEvent: (e: SyncEvent) => void (e.type === 'warning' && warnings.push(e.message)) });
    expect(summary).toMatchObject({ status: 'ok', copied: 0, updated: 0, moved: 1, deleted: 0 });
    expect(warnings.join('\n')).toContain('inode numbers changed');
    expect(describeTree(replica)).toEqual(describeTree(source));
  }, 60_000);
});
