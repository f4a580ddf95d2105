/**
 * The periodic CLI with its replica on a drive that is unplugged between runs: the run is refused (nothing
 * written, not even into the empty mount point), the loop looks for the drive every few milliseconds here
 * (10 s by default) and syncs as soon as it is back, without waiting for the next interval.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBuilt, CliProcess } from '../cli/cli-process.js';
import { imageSupportMissing, mountImage, type MountedImage } from '../helpers/fs-images.js';
import { describeTree, tempDir, writeTree } from '../helpers/tree.js';

const missing = imageSupportMissing('exfat');
let drive: MountedImage | undefined;
let work: string | undefined;
let cli: CliProcess | undefined;

afterEach(async () => {
  cli?.child.kill('SIGKILL');
  await cli?.exited;
  await drive?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
  cli = undefined;
  drive = undefined;
});

describe.skipIf(missing !== undefined)('an unplugged replica drive in the periodic loop', () => {
  if (missing !== undefined) console.log(`skipped: ${missing}`);

  it('refuses while unplugged, writes nothing, and syncs within a check period of the drive coming back', async () => {
    assertBuilt();
    work = tempDir();
    drive = await mountImage('exfat');
    const source = path.join(work, 'source');
    const replica = path.join(drive.dir, 'backup');
    writeTree(source, { 'a.txt': 'A', 'sub/b.txt': 'B' });
    cli = new CliProcess(['-s', source, '-r', replica, '-i', '1h', '-l', path.join(work, 'logs'), '--state-dir', path.join(work, 'state')], {
      env: { FOLDER_SYNC_DRIVE_CHECK_MS: '100' },
      stdin: 'pipe',
    });
    await cli.waitFor(/done in/);
    expect(Object.keys(describeTree(replica)).sort()).toEqual(['a.txt', 'sub', 'sub/b.txt']);

    // Unplugged (the empty mount point stays), and the loop started again: its first run meets the missing drive.
    await drive.unmount();
    writeTree(source, { 'c.txt': 'C' });
    cli.child.kill('SIGKILL');
    await cli.exited;
    cli = new CliProcess(['-s', source, '-r', replica, '-i', '1h', '-l', path.join(work, 'logs'), '--state-dir', path.join(work, 'state')], {
      env: { FOLDER_SYNC_DRIVE_CHECK_MS: '100' },
      stdin: 'pipe',
    });
    await cli.waitFor(/waiting for the drive/);
    expect(cli.stderr).toContain('replica drive not connected');
    expect(fs.readdirSync(drive.dir)).toEqual([]);

    await drive.remount();
    await cli.waitFor(/is back: syncing now/, 1, 10_000);
    await cli.waitFor(/done in/, 1, 10_000);
    expect(Object.keys(describeTree(replica)).sort()).toEqual(['a.txt', 'c.txt', 'sub', 'sub/b.txt']);
  }, 60_000);
});
