/**
 * Concurrent edits: source files changed after the scan (applyEdit, called from a run's 'plan' event) or while
 * a run copies them (startEditor: applied by another process the moment the copy of the file has visibly
 * started, i.e. its temp file appeared in the replica folder, so it races the copy itself).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { assertEngineBuilt, runToEnd, track } from './fault-child.js';
import { checkContent, nextVersionSameShape, versionedContent } from './fault-content.js';
import { expectMirrorOf, tempDir } from './tree.js';

const EDITOR = path.resolve('tests/helpers/fault-editor.mjs');

export type EditKind = 'append' | 'truncate' | 'rename' | 'delete' | 'rewrite' | 'rewrite-keep-mtime';
export const EDIT_KINDS: readonly EditKind[] = ['append', 'truncate', 'rename', 'delete', 'rewrite', 'rewrite-keep-mtime'];

/** Applies one edit to the source file `abs` (version `version` + 1 where a new version is written). */
export function applyEdit(abs: string, kind: EditKind, id: string, version: number): void {
  switch (kind) {
    case 'append':
      fs.appendFileSync(abs, 'appended while being copied');
      break;
    case 'truncate':
      fs.truncateSync(abs, Math.floor(fs.statSync(abs).size / 3));
      break;
    case 'rename':
      fs.renameSync(abs, `${abs}.renamed`);
      break;
    case 'delete':
      fs.rmSync(abs);
      break;
    case 'rewrite':
    case 'rewrite-keep-mtime': {
      // In place, same size, through a second descriptor: the copy may read a splice of both versions.
      const before = fs.statSync(abs);
      const next = sameSizeVersion(id, version + 1, before.size);
      const fd = fs.openSync(abs, 'r+');
      try {
        fs.writeSync(fd, next, 0, next.length, 0);
      } finally {
        fs.closeSync(fd);
      }
      // As an unpacker or `touch -r` would: same size and mtime as before, only the ctime tells.
      if (kind === 'rewrite-keep-mtime') fs.utimesSync(abs, before.atime, before.mtime);
      break;
    }
  }
}

/** A new version exactly `size` bytes long, header included. */
function sameSizeVersion(id: string, version: number, size: number): Buffer {
  const headerBytes = versionedContent(id, version, size).length - size;
  const next = versionedContent(id, version, size - headerBytes);
  if (next.length !== size) throw new Error(`could not make a ${size}-byte version`);
  return next;
}

export type RaceKind = 'append' | 'truncate' | 'rename' | 'delete' | 'splice';
export const RACE_KINDS: readonly RaceKind[] = ['append', 'truncate', 'rename', 'delete', 'splice'];

export interface RaceEdit {
  /** Replica folder to watch for a temp file, relative. */
  readonly dir: string;
  /** Absolute source file to edit. */
  readonly file: string;
  readonly kind: RaceKind;
  /** For 'splice': a file holding the next version, same length (nextVersionSameShape). */
  readonly next?: string;
}

export interface Editor {
  /** Stops polling; resolves with the folders whose edit was applied. */
  stop(): Promise<string[]>;
}

/** Starts tests/helpers/fault-editor.mjs: another process, so it races copies wherever they run. */
export async function startEditor(replica: string, edits: readonly RaceEdit[]): Promise<Editor> {
  const child = track(spawn(process.execPath, [EDITOR, JSON.stringify({ replica, edits })], { stdio: ['ignore', 'pipe', 'inherit'] }));
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => stdout.startsWith('ready\n') && resolve());
    void closed.then(() => reject(new Error(`editor exited early: ${stdout}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await closed;
      return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { applied: string[] }).applied;
    },
  };
}

/** Every regular file below `root` that is not one complete version of a source file. */
export function brokenFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      else if (d.isFile() && !d.name.startsWith('.~folder-sync.') && !checkContent(fs.readFileSync(abs)).ok) out.push(path.relative(root, abs));
    }
  };
  walk(root);
  return out;
}

export interface RaceStats {
  edits: number;
  applied: number;
  skipped: number;
}

/**
 * Rounds of: large source files, each raced by one edit kind while a child run copies it; then checks that no
 * replica file is torn, that the next quiet run converges, and that one more changes nothing.
 */
export async function raceRounds(options: { rounds: number; bytes: number }): Promise<RaceStats> {
  assertEngineBuilt();
  const root = tempDir('fs-race-');
  const source = path.join(root, 'source');
  const replica = path.join(root, 'replica');
  const run = { source, replica, stateDir: path.join(root, 'state') };
  const stats: RaceStats = { edits: 0, applied: 0, skipped: 0 };
  try {
    fs.mkdirSync(source);
    for (let round = 0; round < options.rounds; round += 1) {
      const edits: RaceEdit[] = [];
      for (const kind of RACE_KINDS) {
        const dir = `r${round}-${kind}`;
        const file = path.join(source, dir, 'big.bin');
        const data = versionedContent(dir, 1, options.bytes);
        fs.mkdirSync(path.dirname(file));
        fs.writeFileSync(file, data);
        // A whole-second mtime, as unpackers leave: the splice edit can then restore it exactly.
        fs.utimesSync(file, 1_700_000_000, 1_700_000_000);
        const next = kind === 'splice' ? path.join(root, `${dir}.next`) : undefined;
        if (next !== undefined) fs.writeFileSync(next, nextVersionSameShape(data, 2));
        edits.push({ dir, file, kind, ...(next !== undefined ? { next } : {}) });
      }
      const editor = await startEditor(replica, edits);
      const first = await runToEnd(run);
      const applied = await editor.stop();
      stats.edits += edits.length;
      stats.applied += applied.length;
      stats.skipped += first.summary.skipped;
      expect(first.summary.errors, `round ${round}: errors`).toBe(0);
      // Earlier rounds' appended or truncated files are faithful copies of sources that are not versions.
      const torn = brokenFiles(replica).filter((rel) => rel.startsWith(`r${round}-`));
      expect(torn, `round ${round}: torn replica files after the raced run`).toEqual([]);
      expect((await runToEnd(run)).summary.status).toBe('ok');
      expectMirrorOf(replica, source, `round ${round}: converged`);
      const quiet = (await runToEnd(run)).summary;
      expect(quiet.copied + quiet.updated + quiet.moved + quiet.deleted + quiet.created + quiet.metadata, `round ${round}: quiet run`).toBe(0);
    }
    return stats;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
