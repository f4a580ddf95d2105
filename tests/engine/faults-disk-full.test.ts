/**
 * Disk full (issue 5): the replica on a tiny tmpfs. The run stops copying with one clear error, leaves no partial
 * file and a usable record, and once space is freed the next run converges.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../../main/engine/run/sync.js';
import type { SyncEvent } from '../../main/engine/types.js';
import { versionedContent } from '../helpers/fault-content.js';
import { brokenFiles } from '../helpers/fault-edits.js';
import { mountTmpfs, tmpfsSupportMissing, type Tmpfs } from '../helpers/fault-mount.js';
import { expectUsableRecord, leftovers, mirrorOf } from '../helpers/fault-tree.js';
import { asMirrored, tempDir } from '../helpers/tree.js';

let root: string | undefined;
let drive: Tmpfs | undefined;
afterEach(() => {
  drive?.dispose();
  drive = undefined;
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(tmpfsSupportMissing() !== undefined)('disk full', () => {
  it('stops with one clear error, nothing partial, and converges once space is freed', async () => {
    root = tempDir('fs-full-');
    const source = path.join(root, 'source');
    const stateDir = path.join(root, 'state');
    drive = mountTmpfs(path.join(root, 'drive'), '4m');
    const replica = path.join(drive.dir, 'replica');
    // Something else on the drive takes most of it: the mirror (~3.3 MiB) cannot fit until it is deleted.
    fs.writeFileSync(path.join(drive.dir, 'ballast'), Buffer.alloc(2 << 20));
    for (let i = 0; i < 60; i += 1) {
      fs.mkdirSync(path.join(source, `d${i % 6}`), { recursive: true });
      fs.writeFileSync(path.join(source, `d${i % 6}`, `f${i}.dat`), versionedContent(`f${i}`, 1, 40_000));
    }
    fs.writeFileSync(path.join(source, 'big.bin'), versionedContent('big', 1, 900_000));
    const events: SyncEvent[] = [];
    const run = () => runSync({ source, replica, stateDir, onEvent: (e) => events.push(e) });

    const full = await run();
    const errors = events.filter((e) => e.type === 'op' && e.op === 'error');
    expect(full.status).toBe('partial');
    expect(errors, JSON.stringify(errors)).toHaveLength(1);
    expect(errors[0]).toMatchObject({ detail: expect.stringContaining('ENOSPC') });
    // The summary names the failure with its errno, for the window to say "the drive is full".
    expect(full.failures).toEqual([expect.objectContaining({ code: 'ENOSPC', message: expect.stringContaining('ENOSPC') })]);
    expect(events.filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message)).toEqual([
      expect.stringMatching(/^Stopped: the replica stopped taking writes \(ENOSPC\)/),
    ]);
    expect(leftovers(replica)).toEqual([]);
    expect(brokenFiles(replica)).toEqual([]);
    expectUsableRecord(stateDir, source, replica);

    fs.rmSync(path.join(drive.dir, 'ballast'));
    events.length = 0;
    const freed = await run();
    expect(freed.status).toBe('ok');
    expect(mirrorOf(replica)).toEqual(asMirrored(mirrorOf(source)));
    expect(leftovers(replica)).toEqual([]);
  });
});
