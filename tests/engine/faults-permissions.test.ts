/**
 * Permissions (issue 5), run as `nobody`: unreadable files and folders in the source, a folder in the replica
 * it may not write. Each is logged and skipped, the rest is synced, the run is 'partial' (CLI exit code 1), and
 * nothing the replica holds below an unreadable source folder is deleted.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertEngineBuilt, runToEnd } from '../helpers/fault-child.js';
import { giveToNobody, NOBODY, unprivilegedSupportMissing, writeFiles } from '../helpers/fault-perms.js';
import { describeTree, tempDir } from '../helpers/tree.js';
import { runToEnd as runCliToEnd } from '../cli/cli-process.js';

let root: string | undefined;
afterEach(() => {
  if (root !== undefined) {
    spawnSync('chmod', ['-R', 'u+rwx', root]);
    fs.rmSync(root, { recursive: true, force: true });
  }
});

describe.skipIf(unprivilegedSupportMissing() !== undefined)('permissions (as nobody)', () => {
  it('skips what it may not read or write, syncs the rest, deletes nothing below an unreadable folder', async () => {
    assertEngineBuilt();
    root = tempDir('fs-perm-');
    const source = path.join(root, 'source');
    const replica = path.join(root, 'replica');
    const stateDir = path.join(root, 'state');
    const run = { source, replica, stateDir };
    writeFiles(source, { 'ok.txt': 'fine', 'locked/kept.txt': 'synced while readable', 'noexec/a.txt': 'a', 'ro/old.txt': 'old' });
    fs.mkdirSync(stateDir);
    giveToNobody(root);
    expect((await runToEnd(run, NOBODY)).summary.status).toBe('ok');

    // Now: a file and two folders it cannot read, a replica folder owned by root it cannot write to.
    writeFiles(source, { 'secret.txt': 'no', 'locked/new.txt': 'unseen', 'ro/new.txt': 'cannot land', 'more/b.txt': 'b' });
    giveToNobody(source);
    fs.chmodSync(path.join(source, 'secret.txt'), 0o000);
    fs.chmodSync(path.join(source, 'locked'), 0o000);
    fs.chmodSync(path.join(source, 'noexec'), 0o644);
    execAsRoot(replica, 'ro');
    const { summary } = await runToEnd(run, NOBODY);
    expect(summary.status).toBe('partial');
    // secret.txt (open), ro/new.txt and ro's own mtime (not ours to write); locked and noexec/a.txt are scan problems.
    expect(summary.errors).toBeGreaterThanOrEqual(3);

    const tree = describeTree(replica);
    expect(Object.keys(tree).sort()).toEqual(
      ['locked', 'locked/kept.txt', 'more', 'more/b.txt', 'noexec', 'noexec/a.txt', 'ok.txt', 'ro', 'ro/old.txt'].sort(),
    );
    expect(fs.readFileSync(path.join(replica, 'locked/kept.txt'), 'utf8')).toBe('synced while readable');

    // The CLI says the same with its exit code.
    const cli = await runCliToEnd(['-s', source, '-r', replica, '--state-dir', stateDir, '-l', path.join(root, 'log'), '--once'], undefined, NOBODY);
    expect(cli.code, cli.stderr).toBe(1);
    // The replica's copy of the unreadable folder stays as it was (not chmod 000): later runs still see into it.
    expect(fs.statSync(path.join(replica, 'locked')).mode & 0o777).toBe(0o755);
    expect(cli.stdout + cli.stderr).not.toContain('in the replica: cannot list folder');
  });
});

/** Hands a replica folder back to root: nobody can no longer write in it (and cannot chmod it open). */
function execAsRoot(replica: string, rel: string): void {
  fs.chownSync(path.join(replica, rel), 0, 0);
  fs.chmodSync(path.join(replica, rel), 0o755);
}

describe.skipIf(unprivilegedSupportMissing() !== undefined)('permissions: status', () => {
  // Scan problems count as errors: an unreadable source folder means half a mirror, never 'ok' (CLI exit 0).
  it('a run whose only problem is an unreadable source folder is partial, not ok', async () => {
    assertEngineBuilt();
    root = tempDir('fs-perm-');
    const source = path.join(root, 'source');
    const run = { source, replica: path.join(root, 'replica'), stateDir: path.join(root, 'state') };
    writeFiles(source, { 'ok.txt': 'fine', 'locked/a.txt': 'a' });
    giveToNobody(root);
    fs.chmodSync(path.join(source, 'locked'), 0o000);
    const { summary } = await runToEnd(run, NOBODY);
    expect(fs.existsSync(path.join(run.replica, 'ok.txt'))).toBe(true);
    expect(summary.status).toBe('partial');
  });
});

describe.skipIf(unprivilegedSupportMissing() !== undefined)('permissions: read-only folders', () => {
  // Deletions run many at once: each that meets a read-only folder opens it up, and one that finds it already
  // opened by another must still go ahead, not fail (it did, in about one run in six with a single folder).
  it('deletes many files from folders mirrored read-only, and leaves them read-only', async () => {
    assertEngineBuilt();
    root = tempDir('fs-perm-');
    const source = path.join(root, 'source');
    const run = { source, replica: path.join(root, 'replica'), stateDir: path.join(root, 'state') };
    const folders = Array.from({ length: 8 }, (_, i) => `ro-${i}`);
    const gone = folders.flatMap((folder) => Array.from({ length: 40 }, (_, i) => `${folder}/gone-${i}.txt`));
    writeFiles(source, Object.fromEntries([...folders.map((f) => [`${f}/kept.txt`, 'kept']), ...gone.map((rel) => [rel, rel])]));
    giveToNobody(root);
    for (const folder of folders) fs.chmodSync(path.join(source, folder), 0o555);
    expect((await runToEnd(run, NOBODY)).summary.status).toBe('ok');
    for (const folder of folders) expect(fs.statSync(path.join(run.replica, folder)).mode & 0o777).toBe(0o555);

    for (const rel of gone) fs.unlinkSync(path.join(source, rel));
    const { summary } = await runToEnd(run, NOBODY);
    expect(summary.errors).toBe(0);
    expect(summary.deleted).toBe(gone.length);
    for (const folder of folders) {
      expect(fs.readdirSync(path.join(run.replica, folder))).toEqual(['kept.txt']);
      expect(fs.statSync(path.join(run.replica, folder)).mode & 0o777).toBe(0o555);
    }
  });
});
