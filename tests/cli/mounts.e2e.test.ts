/**
 * Mount points and bind mounts through the built command, as a user meets them (issue 19, 3; needs root to mount):
 * a bind mount or tmpfs inside the replica is left alone with one warning and exit 0, on both backends; a bind
 * mount that makes the source and the replica overlap is refused for safety (exit 3, nothing changed); a log or
 * state folder reachable inside the replica is refused (exit 2), inside the source only while watching.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runToEnd, treeOf } from './cli-process.js';

let tmp: string;
let n = 0;
const unmounts: string[] = [];
beforeAll(() => {
  assertBuilt();
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'fs-cli-mounts-')));
});
afterEach(() => {
  for (const at of unmounts.splice(0).reverse()) spawnSync('umount', ['-l', at]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function mount(args: string[], at: string): void {
  fs.mkdirSync(at, { recursive: true });
  const done = spawnSync('mount', [...args, at]);
  expect(done.status, String(done.stderr)).toBe(0);
  unmounts.push(at);
}

function pairOf(files: Record<string, string>): { base: string; src: string; rep: string; logs: string; state: string; args: string[] } {
  n += 1;
  const base = path.join(tmp, `p${n}`);
  const src = path.join(base, 'src');
  const rep = path.join(base, 'rep');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    fs.writeFileSync(path.join(src, rel), text);
  }
  fs.mkdirSync(rep, { recursive: true });
  const logs = path.join(base, 'logs');
  const state = path.join(base, 'state');
  return { base, src, rep, logs, state, args: ['-s', src, '-r', rep, '-l', logs, '--state-dir', state, '--once'] };
}

describe.skipIf(process.getuid?.() !== 0)('mounts and the command line (needs root to mount)', () => {
  it.each(['0', '1'])('FOLDER_SYNC_NATIVE=%s: a bind mount and a tmpfs inside the replica are left alone, one warning each, exit 0', async (native) => {
    const p = pairOf({ 'a.txt': 'A' });
    const outside = path.join(p.base, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'precious.txt'), 'not the replica\'s');
    mount(['--bind', outside], path.join(p.rep, 'mnt'));
    mount(['-t', 'tmpfs', 'tmpfs'], path.join(p.rep, 'usb'));
    fs.writeFileSync(path.join(p.rep, 'usb', 'photo.jpg'), 'P');
    const r = await runToEnd(p.args, { FOLDER_SYNC_NATIVE: native });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `warning: "${p.rep}/mnt" is a mount point inside the replica; left alone.\n` + `warning: "${p.rep}/usb" is a mount point inside the replica; left alone.\n`,
    );
    expect(treeOf(outside)).toEqual({ 'precious.txt': 'file:17:not the replica\'s' });
    expect(treeOf(path.join(p.rep, 'usb'))).toEqual({ 'photo.jpg': 'file:1:P' });
    expect(fs.readFileSync(path.join(p.rep, 'a.txt'), 'utf8')).toBe('A');
  });

  it('a bind mount inside the source is not crossed by default, and the skip is said', async () => {
    const p = pairOf({ 'a.txt': 'A' });
    const outside = path.join(p.base, 'outside');
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'other.txt'), 'O');
    mount(['--bind', outside], path.join(p.src, 'bound'));
    const r = await runToEnd(p.args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('warning: bound: a mount point (another file system, or a bind mount); not crossed (--cross-file-systems would)\n');
    expect(fs.existsSync(path.join(p.rep, 'bound', 'other.txt'))).toBe(false);
    const crossed = await runToEnd([...p.args, '--cross-file-systems']);
    expect(crossed.code, crossed.stderr).toBe(0);
    expect(fs.readFileSync(path.join(p.rep, 'bound', 'other.txt'), 'utf8')).toBe('O');
  });

  it('the replica bound inside the source: refused for safety (exit 3), nothing changed, not once but at every run', async () => {
    const p = pairOf({ 'a.txt': 'A' });
    fs.writeFileSync(path.join(p.rep, 'old.txt'), 'old');
    mount(['--bind', p.rep], path.join(p.src, 'rep'));
    const before = { src: treeOf(p.src), rep: treeOf(p.rep) };
    for (let run = 0; run < 2; run += 1) {
      const r = await runToEnd(p.args);
      expect(r.code).toBe(3);
      expect(r.stderr).toBe(
        `folder-sync: refused for safety: The replica "${p.rep}" is inside the source "${p.src}" (through a bind mount it is also at "${p.src}/rep"); choose a folder outside it.\n`,
      );
      expect({ src: treeOf(p.src), rep: treeOf(p.rep) }).toEqual(before);
    }
  });

  it('the source bound inside the replica, spelled through a symlink and ..: refused the same way', async () => {
    const p = pairOf({ 'a.txt': 'A' });
    mount(['--bind', p.src], path.join(p.rep, 'in'));
    fs.symlinkSync(p.rep, path.join(p.base, 'link'));
    const spelled = path.join(p.base, 'link', '..', 'link');
    const before = treeOf(p.src);
    const r = await runToEnd(['-s', p.src, '-r', spelled, '-l', p.logs, '--state-dir', p.state, '--once']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`folder-sync: refused for safety: The source "${p.src}" is inside the replica "${spelled}" (through a bind mount it is also at "${p.rep}/in"); choose a folder outside it.\n`);
    expect(treeOf(p.src)).toEqual(before);
  });

  it('a log or state folder reachable inside the replica through a bind mount: exit 2; inside the source: refused with --watch only', async () => {
    const p = pairOf({ 'a.txt': 'A' });
    // The folder holding them is bound inside the replica: no ancestor of their paths is the replica.
    const kept = path.join(p.base, 'kept');
    fs.mkdirSync(kept);
    mount(['--bind', kept], path.join(p.rep, 'kept'));
    const withLog = (logs: string): string[] => ['-s', p.src, '-r', p.rep, '-l', logs, '--state-dir', p.state, '--once'];
    const inReplica = await runToEnd(withLog(path.join(kept, 'logs')));
    expect(inReplica.code).toBe(2);
    expect(inReplica.stderr).toBe(`folder-sync: The log folder "${kept}/logs" is inside the replica "${p.rep}": the mirror would delete it.\n`);
    const stateInReplica = await runToEnd(['-s', p.src, '-r', p.rep, '-l', p.logs, '--state-dir', path.join(kept, 'state'), '--once']);
    expect(stateInReplica.code).toBe(2);
    expect(stateInReplica.stderr).toBe(`folder-sync: The state folder "${kept}/state" is inside the replica "${p.rep}": the mirror would delete it.\n`);
    expect(treeOf(p.rep)).toEqual({ kept: 'dir' });

    const logsInSource = path.join(p.src, 'logs');
    // Refused before the first run: the periodic command never starts.
    const watching = await runToEnd(['-s', p.src, '-r', p.rep, '-l', logsInSource, '--state-dir', p.state, '-i', '1h', '--watch']);
    expect(watching.code).toBe(2);
    expect(watching.stderr).toBe(
      `folder-sync: The log folder "${logsInSource}" is inside the source "${p.src}": every run would change the source and --watch would start the next one at once.\n`,
    );
    const once = await runToEnd(withLog(logsInSource));
    expect(once.code, once.stderr).toBe(0);
    // The log the run writes may change while it is mirrored: that skip is the warning's point, and timing.
    const raced = /^warning: logs\/folder-sync\.log: changed while it was being copied; it will be copied on the next run\n/m;
    expect(once.stderr.replace(raced, '')).toBe(
      `warning: the log folder "${logsInSource}" is inside the source "${p.src}", so every run changes the source (it is mirrored too).\n` +
        `warning: "${p.rep}/kept" is a mount point inside the replica; left alone.\n`,
    );
  });
});
