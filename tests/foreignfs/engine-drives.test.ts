/**
 * The whole engine (runSync) onto real exFAT, FAT32 and NTFS replicas, mounted from images with the FUSE drivers:
 * what such a drive cannot hold is reported, not fought; a no-change run writes and reads nothing; edits are seen
 * despite coarse mtimes; case collisions never flip-flop; an unplugged drive is refused, never refilled.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SyncOptions } from '../../main/engine/run/options.js';
import { recordFileFor } from '../../main/engine/record/record-file.js';
import type { ReplicaTraits, RunSummary, SyncEvent } from '../../main/engine/types.js';
import { IMAGE_KINDS, imageSupportMissing, mountImage, type ImageKind, type MountedImage } from '../helpers/fs-images.js';
import { runCollecting } from '../helpers/pair.js';
import { ctimes, describeTree, tempDir, writeTree, type TreeEntry } from '../helpers/tree.js';

/** What the probe finds with these drivers (shared/notes/foreign-filesystems.md), as far as these tests rely on it. */
const EXPECTED: Record<ImageKind, { granularityMs: number; caseSensitive: boolean; symlinks: boolean; holdsWindowsChars: boolean }> = {
  exfat: { granularityMs: 1000, caseSensitive: false, symlinks: false, holdsWindowsChars: false },
  fat: { granularityMs: 2000, caseSensitive: false, symlinks: false, holdsWindowsChars: false },
  ntfs: { granularityMs: 0.001, caseSensitive: true, symlinks: true, holdsWindowsChars: true },
};

interface RunResult {
  readonly summary: RunSummary;
  readonly events: SyncEvent[];
  /** "op path" or "op from -> path", in order. */
  readonly ops: string[];
  /** The op lines without skips: what was done to the replica. */
  readonly changes: string[];
}

interface DrivePair {
  readonly source: string;
  readonly replica: string;
  readonly state: string;
  sync(extra?: Partial<SyncOptions>): Promise<RunResult>;
  recordFile(): string;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A source and a state folder on the system disk, the replica at `replicaRel` on the drive. */
function drivePair(drive: MountedImage, replicaRel: string): DrivePair {
  const root = tempDir('folder-sync-drive-');
  cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
  const source = path.join(root, 'source');
  const state = path.join(root, 'state');
  fs.mkdirSync(source);
  const replica = replicaRel === '' ? drive.dir : path.join(drive.dir, replicaRel);
  return {
    source,
    replica,
    state,
    async sync(extra = {}) {
      const run = await runCollecting({ source, replica, stateDir: state, ...extra });
      return { ...run, changes: run.ops.filter((op) => !op.startsWith('skip ')) };
    },
    recordFile: () => recordFileFor(state, source, replica),
  };
}

function setMtime(file: string, seconds: number): void {
  fs.utimesSync(file, seconds, seconds);
}

function probed(events: readonly SyncEvent[]): ReplicaTraits {
  const event = events.find((e): e is Extract<SyncEvent, { type: 'probe' }> => e.type === 'probe');
  if (event === undefined) throw new Error('the run reported no probe');
  return event.traits;
}

/**
 * The replica holds exactly the source minus `left` (paths the drive cannot hold, with everything below them):
 * same kinds, contents and symlink targets, mtimes within the drive's granularity. Folder mtimes too.
 */
function expectMirror(pair: DrivePair, granularityMs: number, left: readonly string[] = []): void {
  const isLeft = (rel: string): boolean => left.some((l) => rel === l || rel.startsWith(`${l}/`));
  const source = describeTree(pair.source, { mtimes: true });
  const replica = describeTree(pair.replica, { mtimes: true });
  const strip = ({ mtimeMs: _m, ...rest }: TreeEntry): TreeEntry => rest;
  const wanted = Object.fromEntries(Object.entries(source).filter(([rel]) => !isLeft(rel)));
  expect(Object.fromEntries(Object.entries(replica).map(([rel, e]) => [rel, strip(e)]))).toEqual(
    Object.fromEntries(Object.entries(wanted).map(([rel, e]) => [rel, strip(e)])),
  );
  for (const [rel, entry] of Object.entries(wanted)) {
    // describeTree floors to the ms; the drive floors to its step.
    const gap = Math.abs((entry.mtimeMs ?? 0) - (replica[rel]?.mtimeMs ?? 0));
    expect(gap, `mtime of ${rel}`).toBeLessThan(Math.max(granularityMs, 1) + 1);
  }
}

/** Spies on every fs.promises call that reads contents or changes anything, for the length of `work`. */
async function withoutIo<T>(work: () => Promise<T>): Promise<T> {
  const names = ['open', 'copyFile', 'chmod', 'utimes', 'lutimes', 'rename', 'writeFile', 'mkdir', 'unlink', 'rmdir', 'rm', 'symlink'] as const;
  const spies = names.map((name) => [name, vi.spyOn(fs.promises, name)] as const);
  try {
    const result = await work();
    for (const [name, spy] of spies) expect(spy, `fs.promises.${name}`).not.toHaveBeenCalled();
    return result;
  } finally {
    for (const [, spy] of spies) spy.mockRestore();
  }
}

/** A dead FUSE mount answers ENOTCONN to everything. */
function answers(dir: string): boolean {
  try {
    fs.readdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

function skipLines(events: readonly SyncEvent[]): Array<{ path: string; detail: string }> {
  return events.flatMap((e) => (e.type === 'op' && e.op === 'skip' ? [{ path: e.path, detail: e.detail ?? '' }] : []));
}

for (const kind of IMAGE_KINDS) {
  const missing = imageSupportMissing(kind);
  if (missing !== undefined) console.warn(`skipping the engine tests on ${kind}: ${missing}`);
  const expected = EXPECTED[kind];
  const step = expected.granularityMs;

  describe.skipIf(missing !== undefined)(`the engine onto ${kind}`, () => {
    let drive: MountedImage;
    let counter = 0;
    /** Each test gets its own folder on the shared drive. */
    const pairOnDrive = (): DrivePair => {
      counter += 1;
      return drivePair(drive, `t${counter}`);
    };
    beforeAll(async () => {
      drive = await mountImage(kind, 64);
    });
    afterAll(async () => {
      await drive?.dispose();
    });

    it('mirrors a varied tree, then a no-change run reads and writes nothing', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, {
        'nested/deeper/deepest/file.txt': 'deep',
        'nested/side.txt': 'side',
        'empty/': '',
        'zero': '',
        'odd mtime.txt': 'odd',
        'link': { link: 'nested/side.txt' },
        'a:b.txt': 'colon',
        'what?.txt': 'question',
        'Readme.md': 'lower-case readme',
        'README.md': 'UPPER-CASE README',
        'trailing.': 'dot',
        'run.sh': '#!/bin/sh\necho hi\n',
      });
      fs.chmodSync(path.join(pair.source, 'run.sh'), 0o755);
      // Above the copier's small-file limit: the kernel copy path, and its fallback where the drive refuses it.
      fs.writeFileSync(path.join(pair.source, 'nested/large.bin'), Buffer.alloc(1536 * 1024, 'large'));
      setMtime(path.join(pair.source, 'odd mtime.txt'), 1_700_000_001.987_654);
      setMtime(path.join(pair.source, 'nested/deeper'), 1_600_000_000.5);

      const first = await pair.sync();
      const traits = probed(first.events);
      console.info(`${kind} probe: ${traits.summary}`);
      expect(traits).toMatchObject({
        mtimeGranularityMs: step,
        caseSensitive: expected.caseSensitive,
        symlinks: expected.symlinks,
        refusesWindowsChars: !expected.holdsWindowsChars,
      });
      const left = [
        ...(expected.holdsWindowsChars ? [] : ['a:b.txt', 'what?.txt']),
        ...(expected.caseSensitive ? [] : ['Readme.md']),
        ...(expected.symlinks ? [] : ['link']),
      ];
      expect(first.summary).toMatchObject({ status: 'ok', errors: 0, unrepresentable: left.length });
      expect(skipLines(first.events).map((s) => s.path).sort()).toEqual([...left].sort());
      expectMirror(pair, step, left);
      if (!expected.caseSensitive) expect(fs.readFileSync(path.join(pair.replica, 'README.md'), 'utf8')).toBe('UPPER-CASE README');

      const second = await pair.sync();
      expect(second.changes).toEqual([]);
      const before = ctimes(pair.replica);
      const recordBefore = fs.readFileSync(pair.recordFile(), 'utf8');
      const recordMtime = fs.statSync(pair.recordFile()).mtimeMs;
      const third = await withoutIo(() => pair.sync());
      expect(third.changes).toEqual([]);
      expect(third.events.some((e) => e.type === 'plan' && e.actions.some((a) => a.type !== 'skip'))).toBe(false);
      expect(third.summary).toMatchObject({
        status: 'ok', copied: 0, updated: 0, moved: 0, deleted: 0, created: 0, metadata: 0, errors: 0, unrepresentable: left.length,
      });
      expect(ctimes(pair.replica)).toEqual(before);
      expect(fs.readFileSync(pair.recordFile(), 'utf8')).toBe(recordBefore);
      expect(fs.statSync(pair.recordFile()).mtimeMs).toBe(recordMtime);
      expectMirror(pair, step, left);
    });

    it('sees edits despite coarse mtimes: size, two steps later, and within one step through the record', async () => {
      const pair = pairOnDrive();
      // An even second: the start of a FAT 2 s step, so +0.1 s and +0.6 s lie in one step on every drive here.
      const base = 1_700_000_000;
      writeTree(pair.source, { 'size.txt': 'short', 'later.txt': 'AAAA', 'within.txt': 'BBBB', 'same.txt': 'same' });
      for (const name of ['size.txt', 'later.txt', 'within.txt', 'same.txt']) setMtime(path.join(pair.source, name), base + 0.1);
      expect((await pair.sync()).summary).toMatchObject({ status: 'ok', copied: 4 });

      fs.writeFileSync(path.join(pair.source, 'size.txt'), 'much longer');
      setMtime(path.join(pair.source, 'size.txt'), base + 0.1);
      fs.writeFileSync(path.join(pair.source, 'later.txt'), 'CCCC');
      setMtime(path.join(pair.source, 'later.txt'), base + 0.1 + (2 * step) / 1000);
      fs.writeFileSync(path.join(pair.source, 'within.txt'), 'DDDD');
      setMtime(path.join(pair.source, 'within.txt'), base + 0.6);
      const edited = await pair.sync();
      expect([...edited.changes].sort()).toEqual(['update later.txt', 'update size.txt', 'update within.txt']);
      expectMirror(pair, step);
      expect((await pair.sync()).changes).toEqual([]);

      // Without a record only the drive's own mtimes are left: a change of two steps is still seen, the rest is equal.
      fs.rmSync(pair.state, { recursive: true });
      fs.writeFileSync(path.join(pair.source, 'later.txt'), 'EEEE');
      setMtime(path.join(pair.source, 'later.txt'), base + 0.1 + (4 * step) / 1000);
      const unrecorded = await pair.sync();
      expect(unrecorded.changes).toEqual(['update later.txt']);
      expectMirror(pair, step);
      expect((await pair.sync()).changes).toEqual([]);
    });

    it('keeps the same winner of a case collision over three runs, re-copying nothing', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, { 'Readme.md': 'lower-case', 'README.md': 'UPPER-CASE', 'Docs/a.txt': 'a', 'docs/b.txt': 'b' });
      const runs = [await pair.sync(), await pair.sync(), await pair.sync()];
      const losers = expected.caseSensitive ? [] : ['Readme.md', 'docs'];
      for (const run of runs) {
        expect(run.summary).toMatchObject({ status: 'ok', errors: 0, unrepresentable: losers.length });
        expect(skipLines(run.events).map((s) => s.path).sort()).toEqual(losers);
        for (const { detail } of skipLines(run.events)) expect(detail).toMatch(/differs only by case/);
      }
      expect(runs[1]!.changes).toEqual([]);
      expect(runs[2]!.changes).toEqual([]);
      expectMirror(pair, step, losers);
      expect(fs.readFileSync(path.join(pair.replica, 'README.md'), 'utf8')).toBe('UPPER-CASE');
    });

    it('a name that now wins a case collision replaces the loser that the replica held, contents included', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, { 'Readme.md': 'lower-case' });
      await pair.sync();
      // Same size and a later mtime: only the contents tell the two files apart.
      writeTree(pair.source, { 'README.md': 'UPPER-CASE' });
      const run = await pair.sync();
      expect(run.summary).toMatchObject({ status: 'ok', errors: 0, unrepresentable: expected.caseSensitive ? 0 : 1 });
      expectMirror(pair, step, expected.caseSensitive ? [] : ['Readme.md']);
      expect(fs.readFileSync(path.join(pair.replica, 'README.md'), 'utf8')).toBe('UPPER-CASE');
      expect((await pair.sync()).changes).toEqual([]);
    });

    it('mirrors a case-only rename as a move, for files and folders, without copying', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, { 'photo.JPG': 'jpeg bytes', 'Album/pic.png': 'png bytes' });
      await pair.sync();
      fs.renameSync(path.join(pair.source, 'photo.JPG'), path.join(pair.source, 'photo.jpg'));
      fs.renameSync(path.join(pair.source, 'Album'), path.join(pair.source, 'album'));
      const run = await pair.sync();
      expect([...run.changes].sort()).toEqual(['move Album -> album', 'move photo.JPG -> photo.jpg']);
      expect(run.summary).toMatchObject({ moved: 2, copied: 0, updated: 0, bytesCopied: 0 });
      expect(fs.readdirSync(pair.replica).sort()).toEqual(['album', 'photo.jpg']);
      expectMirror(pair, step);
      expect((await pair.sync()).changes).toEqual([]);
    });

    // Deletions run alongside the writes unless a written name folds like theirs. A file that became a folder
    // (and one the other way) under a name differing only by case must be gone before its successor is made:
    // split by exact names instead, the run fails on exFAT and FAT (checked). Case-only replacements of the same
    // kind are planned as case renames plus updates, and are here too.
    it('entries replaced by new ones whose names differ only by case, same kind or not: old gone, new kept', async () => {
      const pair = pairOnDrive();
      const gone = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`gone/g-${i}.txt`, `gone ${i}`]));
      writeTree(pair.source, { 'Photo.JPG': 'old photo', 'Old/x.txt': 'x', 'Data': 'a file', 'Notes/n.txt': 'n', 'keep/k.txt': 'k', ...gone });
      await pair.sync();
      fs.rmSync(path.join(pair.source, 'Data'));
      fs.rmSync(path.join(pair.source, 'Notes'), { recursive: true });
      fs.rmSync(path.join(pair.source, 'Photo.JPG'));
      fs.rmSync(path.join(pair.source, 'Old'), { recursive: true });
      fs.rmSync(path.join(pair.source, 'gone'), { recursive: true });
      writeTree(pair.source, { 'photo.jpg': 'a new photo, not the old one', 'old/y.txt': 'why', 'data/inner.txt': 'a folder now', 'notes': 'a file now' });
      const run = await pair.sync();
      expect(run.summary, JSON.stringify(run.summary.failures)).toMatchObject({ status: 'ok', errors: 0 });
      expect(fs.readdirSync(pair.replica).sort()).toEqual(['data', 'keep', 'notes', 'old', 'photo.jpg']);
      expect(fs.readFileSync(path.join(pair.replica, 'photo.jpg'), 'utf8')).toBe('a new photo, not the old one');
      expect(fs.readdirSync(path.join(pair.replica, 'old'))).toEqual(['y.txt']);
      expectMirror(pair, step);
      expect((await pair.sync()).changes).toEqual([]);
    });

    it('mirrors a folder rename as one move, subfolders and file mtimes intact', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, { 'photos/2024/a.jpg': 'a', 'photos/2024/b.jpg': 'bb', 'photos/2025/deep/c.jpg': 'ccc', 'photos/empty/': '' });
      setMtime(path.join(pair.source, 'photos/2024/a.jpg'), 1_500_000_000.25);
      await pair.sync();
      fs.renameSync(path.join(pair.source, 'photos'), path.join(pair.source, 'pictures'));
      const run = await pair.sync();
      expect(run.changes).toEqual(['move photos -> pictures']);
      expect(run.summary).toMatchObject({ status: 'ok', moved: 1, copied: 0, bytesCopied: 0, errors: 0 });
      expectMirror(pair, step);
      expect((await pair.sync()).changes).toEqual([]);
    });

    it('a case-only rename together with a same-size edit still carries the new contents', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, { 'photo.JPG': 'version 1' });
      await pair.sync();
      fs.renameSync(path.join(pair.source, 'photo.JPG'), path.join(pair.source, 'photo.jpg'));
      fs.writeFileSync(path.join(pair.source, 'photo.jpg'), 'version 2');
      setMtime(path.join(pair.source, 'photo.jpg'), Date.now() / 1000 + 10);
      await pair.sync();
      expect(fs.readdirSync(pair.replica)).toEqual(['photo.jpg']);
      expect(fs.readFileSync(path.join(pair.replica, 'photo.jpg'), 'utf8')).toBe('version 2');
      expectMirror(pair, step);
    });

    it('reports each name the drive refuses once per run, with a reason, and syncs the rest', async () => {
      const pair = pairOnDrive();
      const b = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
      writeTree(pair.source, { 'ok.txt': 'fine', 'a:b.txt': 'colon', 'dir?/inner.txt': 'below a refused folder', 'sub/x|y': 'pipe', 'sub/fine.txt': 'fine' });
      fs.writeFileSync(Buffer.from(`${pair.source}/bad-\xff.txt`, 'latin1'), 'not UTF-8');
      fs.writeFileSync(path.join(pair.source, 'été.txt'), 'accents');
      const refused = [
        'bad-\xff.txt',
        ...(expected.holdsWindowsChars ? [] : ['a:b.txt', 'dir?', 'sub/x|y']),
        ...(kind === 'fat' ? [b('été.txt')] : []),
      ];
      for (let n = 0; n < 2; n += 1) {
        const run = await pair.sync();
        expect(run.summary).toMatchObject({ status: 'ok', errors: 0, unrepresentable: refused.length });
        const skips = skipLines(run.events);
        expect(skips.map((s) => s.path).sort()).toEqual([...refused].sort());
        for (const { detail } of skips) expect(detail).toMatch(/the name/);
        expectMirror(pair, step, refused);
        if (n === 1) expect(run.changes).toEqual([]);
      }
    });

    it(expected.symlinks ? 'mirrors symlinks as links' : 'skips symlinks as unrepresentable', async () => {
      const pair = pairOnDrive();
      writeTree(pair.source, { 'target.txt': 't', 'in': { link: 'target.txt' }, 'dangling': { link: 'nowhere' }, 'dir/': '' });
      fs.symlinkSync('..', path.join(pair.source, 'dir/up'));
      const links = ['dangling', 'dir/up', 'in'];
      const first = await pair.sync();
      expect(first.summary).toMatchObject({ status: 'ok', errors: 0, unrepresentable: expected.symlinks ? 0 : links.length });
      for (const { detail } of skipLines(first.events)) expect(detail).toMatch(/symlink/);
      expectMirror(pair, step, expected.symlinks ? [] : links);
      fs.rmSync(path.join(pair.source, 'in'));
      fs.symlinkSync('dir', path.join(pair.source, 'in'));
      const changed = await pair.sync();
      expect(changed.changes).toEqual(expected.symlinks ? ['symlink in'] : []);
      expectMirror(pair, step, expected.symlinks ? [] : links);
      expect((await pair.sync()).changes).toEqual([]);
    });
  });

  describe.skipIf(missing !== undefined)(`an unplugged ${kind} drive`, () => {
    let drive: MountedImage;
    beforeAll(async () => {
      drive = await mountImage(kind, 64);
    });
    afterAll(async () => {
      await drive?.dispose();
    });
    afterEach(async () => {
      if (drive.mounted && !answers(drive.dir)) await drive.unmount(); // a driver that died: clear its dead mount
      fs.mkdirSync(drive.dir, { recursive: true });
      if (!drive.mounted) await drive.remount();
      for (const name of fs.readdirSync(drive.dir)) fs.rmSync(path.join(drive.dir, name), { recursive: true, force: true });
    });

    /** Everything outside the drive a run could write: the state folder (the record) and the source. */
    function outsideState(pair: DrivePair): unknown {
      const state = fs.existsSync(pair.state) ? describeTree(pair.state, { mtimes: true }) : {};
      return { state, source: ctimes(pair.source) };
    }

    async function expectRefused(pair: DrivePair): Promise<void> {
      const before = outsideState(pair);
      const run = await pair.sync();
      expect(run.summary.status).toBe('refused');
      expect(run.summary.refusal?.reason).toBe('replica-not-connected');
      expect(run.summary.refusal?.message).toContain('replica drive not connected');
      expect(run.changes.filter((op) => !op.startsWith('error '))).toEqual([]);
      expect(outsideState(pair)).toEqual(before);
    }

    const WHERE = { 'a folder on the drive': 'backup', "the drive's root": '' } as const;

    for (const [where, replicaRel] of Object.entries(WHERE)) {
      it(`${where} as replica: refused while unplugged (empty mount point), nothing written anywhere; converges when back`, async () => {
        const pair = drivePair(drive, replicaRel);
        writeTree(pair.source, { 'a.txt': 'A', 'sub/b.txt': 'B', 'empty/': '' });
        await pair.sync();
        expect((await pair.sync()).changes).toEqual([]);

        await drive.unmount();
        expect(fs.readdirSync(drive.dir)).toEqual([]);
        await expectRefused(pair);
        await expectRefused(pair);
        expect(fs.readdirSync(drive.dir)).toEqual([]);

        await drive.remount();
        const back = await pair.sync();
        expect(back.summary).toMatchObject({ status: 'ok', errors: 0 });
        expect(back.changes).toEqual([]);
        expectMirror(pair, step);
      });

      // The mount check comes before "the replica's parent folder does not exist": a drive gone with its mount point.
      it(`${where} as replica: refused while unplugged (mount point removed), nothing written anywhere`, async () => {
        const pair = drivePair(drive, replicaRel);
        writeTree(pair.source, { 'a.txt': 'A', 'sub/b.txt': 'B' });
        await pair.sync();

        await drive.unmount();
        fs.rmdirSync(drive.dir);
        await expectRefused(pair);
        expect(fs.existsSync(drive.dir)).toBe(false);

        fs.mkdirSync(drive.dir);
        await drive.remount();
        const back = await pair.sync();
        expect(back.summary).toMatchObject({ status: 'ok', errors: 0 });
        expect(back.changes).toEqual([]);
        expectMirror(pair, step);
      });
    }

    // fusefat dies (ECONNABORTED) when its root's mtime is set: no run may stamp a mount's root.
    it("the drive's root as replica: synced, then synced from scratch (no record) without touching its root", async () => {
      const pair = drivePair(drive, '');
      writeTree(pair.source, { 'a.txt': 'A', 'sub/b.txt': 'B' });
      expect((await pair.sync()).summary).toMatchObject({ status: 'ok', errors: 0, copied: 2 });
      fs.rmSync(pair.state, { recursive: true });
      const again = await pair.sync();
      expect(again.summary).toMatchObject({ status: 'ok', errors: 0 });
      expect(again.changes).toEqual([]);
      expectMirror(pair, step);
    });

    it('files with mtimes the drive cannot hold (before 1980, after 2107) are not re-copied after a replug', async () => {
      const pair = drivePair(drive, 'backup');
      writeTree(pair.source, { 'nix-store.txt': 'epoch + 1 s', 'old.txt': '1974', 'future.txt': '2207', 'old-dir/inner.txt': 'x' });
      setMtime(path.join(pair.source, 'nix-store.txt'), 1);
      setMtime(path.join(pair.source, 'old.txt'), 157_000_000);
      setMtime(path.join(pair.source, 'future.txt'), 7_500_000_000);
      setMtime(path.join(pair.source, 'old-dir'), 1);
      expect((await pair.sync()).summary).toMatchObject({ status: 'ok', errors: 0, copied: 4 });
      for (let replug = 0; replug < 2; replug += 1) {
        await drive.unmount();
        await drive.remount();
        const run = await pair.sync();
        expect(run.summary).toMatchObject({ status: 'ok', errors: 0 });
        expect(run.changes).toEqual([]);
      }
      for (const name of ['nix-store.txt', 'old.txt', 'future.txt', 'old-dir/inner.txt']) {
        expect(fs.readFileSync(path.join(pair.replica, name), 'utf8')).toBe(fs.readFileSync(path.join(pair.source, name), 'utf8'));
      }
    });

    it('a rename in the source after a remount (inodes renumbered) is still a move', async () => {
      const pair = drivePair(drive, 'backup');
      writeTree(pair.source, { 'big.bin': 'x'.repeat(50_000), 'photos/2024/a.jpg': 'a', 'photos/b.jpg': 'bb', 'keep.txt': 'k' });
      await pair.sync();
      const inodes = (): number[] => ['big.bin', 'photos', 'keep.txt'].map((rel) => fs.statSync(path.join(pair.replica, rel)).ino);
      const before = inodes();
      await drive.unmount();
      await drive.remount();
      console.info(`${kind}: replica inodes ${before.join(',')} before the remount, ${inodes().join(',')} after`);
      fs.renameSync(path.join(pair.source, 'big.bin'), path.join(pair.source, 'moved.bin'));
      fs.renameSync(path.join(pair.source, 'photos'), path.join(pair.source, 'pictures'));
      const run = await pair.sync();
      expect([...run.changes].sort()).toEqual(['move big.bin -> moved.bin', 'move photos -> pictures']);
      expect(run.summary).toMatchObject({ status: 'ok', moved: 2, copied: 0, bytesCopied: 0, errors: 0 });
      expectMirror(pair, step);
      expect((await pair.sync()).changes).toEqual([]);
    });
  });
}
