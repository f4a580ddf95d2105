import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findMount, mountOf, nearestExisting, parseMountInfo, unescapeOctal } from '../../main/engine/fs/mounts.js';
import { IMAGE_KINDS, imageSupportMissing, mountImage, type MountedImage } from '../helpers/fs-images.js';

/** Lines as this machine and a Linux Mint desktop write them. */
const FIXTURE = [
  '22 1 252:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw,errors=remount-ro',
  '23 22 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw',
  '30 22 0:26 / /run rw,nosuid,nodev,noexec,relatime shared:5 - tmpfs tmpfs rw,size=1629020k,mode=755',
  '41 30 0:36 / /run/user/1000 rw,nosuid,nodev,relatime shared:300 - tmpfs tmpfs rw,mode=700,uid=1000',
  '42 22 7:0 / /tmp/fsx/m\\040ex rw,nosuid,nodev,relatime - fuseblk /dev/loop0 rw,user_id=0,group_id=0,allow_other',
  '43 22 0:39 / /tmp/fsx/m\\040fat rw,nosuid,nodev,relatime - fuse.fusefat fusefat rw,user_id=0,group_id=0',
  '44 22 0:40 / /tmp/fsx/m\\040ntfs rw,relatime - fuse /tmp/fsx/ntfs.img rw,user_id=0,group_id=0,allow_other',
  '50 30 8:17 / /media/mint/BACKUP rw,nosuid,nodev,relatime shared:400 master:2 - exfat /dev/sdb1 rw,fmask=0022',
  '51 30 8:33 / /media/mint/BACKUP2 rw,nosuid,nodev,relatime shared:401 - vfat /dev/sdc1 rw,utf8',
  '52 30 8:49 / /media/mint/My\\040Passport rw,nosuid,nodev,relatime - fuseblk /dev/sdd1 rw,allow_other',
  '53 22 252:1 /home/mint/shared /srv/bind\\011tab\\012nl\\134bs rw - ext4 /dev/mapper/vg-root rw',
  'garbage line without separator',
  '',
].join('\n');

describe('parseMountInfo', () => {
  const entries = parseMountInfo(FIXTURE);

  it('reads every well-formed line, with or without optional fields, and skips the rest', () => {
    expect(entries).toHaveLength(11);
    expect(entries[0]).toEqual({
      mountId: 22,
      parentId: 1,
      device: '252:1',
      root: '/',
      mountPoint: '/',
      fsType: 'ext4',
      source: '/dev/mapper/vg-root',
    });
    expect(entries[7]).toMatchObject({ mountPoint: '/media/mint/BACKUP', fsType: 'exfat', source: '/dev/sdb1' });
    expect(entries[5]).toMatchObject({ mountPoint: '/tmp/fsx/m fat', fsType: 'fuse.fusefat', source: 'fusefat' });
  });

  it("undoes the kernel's octal escapes for space, tab, newline and backslash", () => {
    expect(entries[9]?.mountPoint).toBe('/media/mint/My Passport');
    expect(entries[10]).toMatchObject({ root: '/home/mint/shared', mountPoint: '/srv/bind\ttab\nnl\\bs' });
    expect(unescapeOctal('a\\040b\\134040')).toBe('a b\\040');
  });
});

describe('findMount', () => {
  const entries = parseMountInfo(FIXTURE);
  const at = (p: string): string | undefined => findMount(entries, p)?.mountPoint;

  it('picks the longest mount point that is the path or an ancestor of it', () => {
    expect(at('/media/mint/BACKUP')).toBe('/media/mint/BACKUP');
    expect(at('/media/mint/BACKUP/photos/2024')).toBe('/media/mint/BACKUP');
    expect(at('/media/mint/BACKUP2/x')).toBe('/media/mint/BACKUP2');
    expect(at('/media/mint/BACKUPS')).toBe('/');
    expect(at('/media/mint/My Passport/a b')).toBe('/media/mint/My Passport');
    expect(at('/run/user/1000/x')).toBe('/run/user/1000');
    expect(at('/home/mint')).toBe('/');
    expect(at('/')).toBe('/');
  });

  it('takes the later of two mounts on one mount point (the one on top)', () => {
    const stacked = parseMountInfo(`${FIXTURE}\n60 50 8:65 / /media/mint/BACKUP rw - ntfs3 /dev/sde1 rw`);
    expect(findMount(stacked, '/media/mint/BACKUP/x')).toMatchObject({ fsType: 'ntfs3', source: '/dev/sde1' });
  });

  it('finds nothing without a root mount', () => {
    expect(findMount(parseMountInfo(FIXTURE.split('\n').slice(1).join('\n')), '/home')).toBeUndefined();
  });
});

describe('mountOf on this machine', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'folder-sync-mounts-')));
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('answers for a missing path with the mount of its nearest existing ancestor', async () => {
    const here = await mountOf(tmp);
    expect(await mountOf(path.join(tmp, 'not', 'there'))).toEqual(here);
    expect(await nearestExisting(path.join(tmp, 'not', 'there'))).toBe(tmp);
    await fs.writeFile(path.join(tmp, 'file'), '');
    expect(await nearestExisting(path.join(tmp, 'file', 'below a file'))).toBe(path.join(tmp, 'file'));
  });

  it.skipIf(!existsSync('/dev/shm'))('follows symlinks to where the path really is', async () => {
    await fs.symlink('/dev/shm', path.join(tmp, 'link'));
    const shm = await mountOf('/dev/shm');
    expect(shm.fsType).toBe('tmpfs');
    expect(await mountOf(path.join(tmp, 'link', 'missing'))).toEqual(shm);
    expect((await mountOf(tmp)).mountPoint).not.toBe(shm.mountPoint);
  });
});

for (const kind of IMAGE_KINDS) {
  const missing = imageSupportMissing(kind);
  if (missing !== undefined) console.warn(`skipping the live ${kind} mount tests: ${missing}`);

  describe.skipIf(missing !== undefined)(`mountOf a ${kind} drive that is unplugged and plugged back`, () => {
    let drive: MountedImage;
    beforeAll(async () => {
      drive = await mountImage(kind, 64, 'USB drive');
    });
    afterAll(async () => {
      await drive?.dispose();
    });

    it('reports the drive while mounted, the parent mount after unmount, and the drive again after remount', async () => {
      const parent = await mountOf(path.dirname(drive.dir));
      const replica = path.join(drive.dir, 'backup');
      await fs.mkdir(replica);
      await fs.writeFile(path.join(replica, 'kept.txt'), 'still here');

      const mounted = await mountOf(replica);
      expect(mounted.mountPoint).toBe(drive.dir);
      expect(mounted.fsType).toMatch(/^fuse/);
      expect(await mountOf(path.join(replica, 'not yet', 'created'))).toEqual(mounted);

      const started = performance.now();
      await drive.unmount();
      const unmountMs = performance.now() - started;
      expect(await fs.readdir(drive.dir)).toEqual([]);
      expect(await mountOf(replica)).toEqual(parent);
      expect(await mountOf(drive.dir)).toEqual(parent);

      const restarted = performance.now();
      await drive.remount();
      const remountMs = performance.now() - restarted;
      expect(await mountOf(replica)).toEqual(mounted);
      expect(await fs.readFile(path.join(replica, 'kept.txt'), 'utf8')).toBe('still here');
      console.info(`${kind}: unmount ${unmountMs.toFixed(1)} ms, remount ${remountMs.toFixed(1)} ms`);
    });

    it('reports the parent mount when the mount point itself is gone', async () => {
      const parent = await mountOf(path.dirname(drive.dir));
      await drive.unmount();
      await fs.rmdir(drive.dir);
      try {
        expect(await mountOf(path.join(drive.dir, 'backup'))).toEqual(parent);
      } finally {
        await fs.mkdir(drive.dir);
        await drive.remount();
      }
      expect((await mountOf(drive.dir)).mountPoint).toBe(drive.dir);
    });
  });
}
