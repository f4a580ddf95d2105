import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTraits, PROBE_PREFIX, probeReplica } from '../../main/engine/fs/probe.js';
import type { ReplicaTraits } from '../../main/engine/types.js';
import { IMAGE_KINDS, imageSupportMissing, mountImage, type ImageKind, type MountedImage } from '../helpers/fs-images.js';

type Expected = Omit<ReplicaTraits, 'summary' | 'probeError'>;

const NATIVE: Expected = {
  // Node sets mtimes to the µs, so that is all the probe can see of ext4's and tmpfs's nanoseconds.
  mtimeGranularityMs: 0.001,
  caseSensitive: true,
  symlinks: true,
  modes: true,
  renameKeepsMtime: true,
  refusesWindowsChars: false,
  keepsTrailingDots: true,
  keepsTrailingSpaces: true,
  unicodeNames: true,
  byteNames: true,
};

/** The table in shared/notes/foreign-filesystems.md, plus the name traits measured with the same drivers. */
const FOREIGN: Record<ImageKind, { traits: Expected; summary: string }> = {
  exfat: {
    traits: {
      mtimeGranularityMs: 1000,
      caseSensitive: false,
      symlinks: false,
      modes: false,
      renameKeepsMtime: true,
      refusesWindowsChars: true,
      keepsTrailingDots: true,
      keepsTrailingSpaces: true,
      unicodeNames: true,
      byteNames: false,
    },
    summary: 'exFAT-like: no symlinks, case-insensitive, 1 s mtimes, no mode bits',
  },
  fat: {
    traits: {
      mtimeGranularityMs: 2000,
      caseSensitive: false,
      symlinks: false,
      modes: false,
      renameKeepsMtime: false,
      refusesWindowsChars: true,
      keepsTrailingDots: true,
      keepsTrailingSpaces: true,
      unicodeNames: false,
      byteNames: false,
    },
    summary: 'FAT-like: no symlinks, case-insensitive, 2 s mtimes, rename re-stamps mtimes, no mode bits',
  },
  ntfs: {
    traits: {
      mtimeGranularityMs: 0.001,
      caseSensitive: true,
      symlinks: true,
      modes: false,
      renameKeepsMtime: true,
      refusesWindowsChars: false,
      keepsTrailingDots: true,
      keepsTrailingSpaces: true,
      unicodeNames: true,
      byteNames: false,
    },
    summary: 'NTFS-like: no mode bits, UTF-8 names only',
  },
};

async function probeTimed(root: string, label: string): Promise<ReplicaTraits> {
  const started = performance.now();
  const traits = await probeReplica(root);
  console.info(`probe ${label}: ${(performance.now() - started).toFixed(1)} ms → ${traits.summary}`);
  return traits;
}

async function expectNothingLeft(root: string, before: readonly string[]): Promise<void> {
  const after = (await fs.readdir(root)).sort();
  expect(after).toEqual([...before].sort());
  expect(after.some((name) => name.startsWith(PROBE_PREFIX))).toBe(false);
}

describe('probeReplica on native file systems', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'folder-sync-probe-'));
  });
  afterAll(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('finds the temp dir (ext4 or tmpfs) native, and leaves nothing behind', async () => {
    await fs.writeFile(path.join(tmp, 'keep.txt'), 'x');
    const before = await fs.readdir(tmp);
    const traits = await probeTimed(tmp, `temp dir ${tmp}`);
    expect(traits).toEqual({ ...NATIVE, summary: 'native (ext4-like)' });
    await expectNothingLeft(tmp, before);
  });

  it.skipIf(!existsSync('/dev/shm'))('finds tmpfs native', async () => {
    const shm = await fs.mkdtemp('/dev/shm/folder-sync-probe-');
    try {
      expect(await probeTimed(shm, 'tmpfs')).toEqual({ ...NATIVE, summary: 'native (ext4-like)' });
      expect(await fs.readdir(shm)).toEqual([]);
    } finally {
      await fs.rm(shm, { recursive: true, force: true });
    }
  });

  it('assumes the strictest limits, without throwing, where nothing can be written', async () => {
    const missing = path.join(tmp, 'no such folder');
    const traits = await probeReplica(missing);
    expect(traits.probeError).toMatch(/ENOENT/);
    expect(traits).toMatchObject({ mtimeGranularityMs: 2000, caseSensitive: false, symlinks: false, modes: false });
    expect(traits.summary).toMatch(/^not probed/);
    expect(existsSync(missing)).toBe(false);
  });
});

for (const kind of IMAGE_KINDS) {
  const missing = imageSupportMissing(kind);
  if (missing !== undefined) console.warn(`skipping the ${kind} probe tests: ${missing}`);

  describe.skipIf(missing !== undefined)(`probeReplica on ${kind}`, () => {
    let drive: MountedImage;
    beforeAll(async () => {
      const started = performance.now();
      drive = await mountImage(kind);
      console.info(`mount ${kind} (format + mount 64 MiB): ${(performance.now() - started).toFixed(1)} ms`);
    });
    afterAll(async () => {
      const started = performance.now();
      await drive?.dispose();
      console.info(`unmount ${kind}: ${(performance.now() - started).toFixed(1)} ms`);
    });

    it('matches the shared notes, decided by behaviour, and leaves nothing behind', async () => {
      await fs.mkdir(path.join(drive.dir, 'folder'));
      const before = await fs.readdir(drive.dir);
      const traits = await probeTimed(drive.dir, kind);
      const expected = FOREIGN[kind];
      expect(traits).toMatchObject(expected.traits);
      expect(traits.probeError).toBeUndefined();
      expect(traits.summary.startsWith(expected.summary)).toBe(true);
      await expectNothingLeft(drive.dir, before);
    });

    it('gives the same answer in a subfolder and on a second probe', async () => {
      const sub = path.join(drive.dir, 'folder');
      await fs.mkdir(sub, { recursive: true });
      const first = await probeReplica(sub);
      const second = await probeReplica(sub);
      expect(first).toMatchObject(FOREIGN[kind].traits);
      expect(second).toEqual(first);
      expect(await fs.readdir(sub)).toEqual([]);
    });
  });
}

describe('describeTraits', () => {
  it('names the family and what the replica lacks', () => {
    expect(describeTraits(NATIVE)).toBe('native (ext4-like)');
    expect(describeTraits({ ...NATIVE, symlinks: false, caseSensitive: false, mtimeGranularityMs: 1000 })).toBe(
      'exFAT-like: no symlinks, case-insensitive, 1 s mtimes',
    );
    expect(describeTraits({ ...NATIVE, caseSensitive: false, mtimeGranularityMs: 10 })).toBe(
      'exFAT-like: case-insensitive, 10 ms mtimes',
    );
    expect(describeTraits({ ...NATIVE, caseSensitive: false, mtimeGranularityMs: 2000, unicodeNames: false })).toBe(
      'FAT-like: case-insensitive, 2 s mtimes, ASCII names only',
    );
    expect(describeTraits({ ...NATIVE, modes: false, byteNames: false })).toBe('NTFS-like: no mode bits, UTF-8 names only');
    expect(describeTraits({ ...NATIVE, keepsTrailingDots: false, refusesWindowsChars: true })).toBe(
      'POSIX-like: refuses : * ? " < > | \\, drops trailing dots',
    );
  });
});
