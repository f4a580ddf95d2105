/**
 * The attack the replica's descriptor-relative operations exist for (issue 19): the mirror runs as root over a
 * source whose folders everyone may write (a backup of /home), so the replica's folders are mirrored writable
 * too, and an unprivileged user swaps them for symlinks to a root-owned decoy outside while runs copy, update,
 * move, delete, chmod and restamp. The decoy, and everything else outside the replica, must stay byte for byte as
 * it was; the source is never written; once the attacker stops, a run converges.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSync } from '../../main/engine/run/sync.js';
import { NOBODY } from './fault-perms.js';
import { expectMirrorOf, tempDir } from './tree.js';

const RACER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'symlink-racer.mjs');

interface Racer {
  /** Resolves once the racer made its first swap. */
  readonly started: Promise<void>;
  /** Asks it to stop; resolves with how many swaps it made. */
  stop(): Promise<number>;
}

/** Starts the swapper as `nobody` over `tree`, linking its folders to `decoy`. */
function startRacer(tree: string, decoy: string, stopFile: string): Racer {
  const child = spawn('setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', process.execPath, RACER, tree, decoy, stopFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  let markStarted = (): void => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    printed += chunk.toString();
    if (printed.includes('started')) markStarted();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    markStarted();
    resolve();
  }));
  return {
    started,
    async stop() {
      fs.writeFileSync(stopFile, '');
      await exited;
      return Number(/swaps (\d+)/.exec(printed)?.[1] ?? 0);
    },
  };
}

export interface AttackOutcome {
  readonly swaps: number;
  readonly runs: number;
  readonly errors: number;
}

/** Every entry below `dir` with its kind, mode, size, mtime and contents: what "untouched" is checked against. */
function snapshot(dir: string): string {
  const lines: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    const stat = fs.lstatSync(abs);
    const kind = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : 'f';
    const body = kind === 'f' ? fs.readFileSync(abs, 'latin1') : kind === 'l' ? fs.readlinkSync(abs) : '';
    lines.push(`${kind} ${rel} ${(stat.mode & 0o7777).toString(8)} ${stat.uid} ${stat.size} ${stat.mtimeMs} ${body}`);
    if (kind === 'd') for (const name of fs.readdirSync(abs).sort()) walk(rel === '' ? name : `${rel}/${name}`);
  };
  walk('');
  return lines.join('\n');
}

const FOLDERS = ['a', 'a/b', 'c', 'c/d'];

/** The folder that moves back and forth between two names, under the name it has now. */
function movingFolder(source: string): string {
  return fs.existsSync(path.join(source, 'm2')) ? 'm2' : 'm1';
}

/** The source's folders world-writable, files of a few names the decoy also holds (so a followed path would hit them). */
function writeSource(source: string, round: number): void {
  const moving = movingFolder(source);
  const folders = [...FOLDERS, moving];
  for (const dir of folders) {
    fs.mkdirSync(path.join(source, dir), { recursive: true });
    fs.chmodSync(path.join(source, dir), 0o777);
  }
  for (const dir of folders) {
    for (let i = 0; i < 9; i += 1) {
      const file = path.join(source, dir, `f${i}.txt`);
      // Six of nine names each round: three are deleted, three come back; contents and modes change.
      if (i % 9 === round % 9 || (i + 3) % 9 === round % 9 || (i + 6) % 9 === round % 9) {
        fs.rmSync(file, { force: true });
        continue;
      }
      fs.writeFileSync(file, `round ${round} ${dir} ${i}\n`.repeat(1 + ((i * 37 + round) % 50)));
      fs.chmodSync(file, round % 2 === 0 ? 0o644 : 0o600);
    }
  }
  // A folder rename each round (a move in the replica), and a folder restamped.
  fs.renameSync(path.join(source, moving), path.join(source, moving === 'm1' ? 'm2' : 'm1'));
  fs.utimesSync(path.join(source, 'c'), 1_700_000_000 + round, 1_700_000_000 + round);
}

export async function swapAttack(rounds: number): Promise<AttackOutcome> {
  const root = tempDir('fs-attack-');
  fs.chmodSync(root, 0o755); // the attacker must reach the replica
  const source = path.join(root, 'source');
  const replica = path.join(root, 'replica');
  const state = path.join(root, 'state');
  const decoy = path.join(root, 'decoy');
  const stop = path.join(root, 'stop');
  try {
    fs.mkdirSync(source);
    fs.mkdirSync(decoy);
    for (let i = 0; i < 9; i += 1) fs.writeFileSync(path.join(decoy, `f${i}.txt`), `decoy ${i}\n`);
    fs.mkdirSync(path.join(decoy, 'b'));
    fs.mkdirSync(path.join(decoy, 'd'));
    fs.writeFileSync(path.join(decoy, 'b', 'f1.txt'), 'decoy b\n');
    writeSource(source, 0);
    await runSync({ source, replica, stateDir: state });
    fs.chmodSync(replica, 0o777); // as a replica of a world-writable root would be
    const before = snapshot(decoy);
    const racer = startRacer(replica, decoy, stop);
    await racer.started;
    let errors = 0;
    let swaps = 0;
    try {
      for (let round = 1; round <= rounds; round += 1) {
        writeSource(source, round);
        const summary = await runSync({ source, replica, stateDir: state, allowEmptySource: true });
        errors += summary.errors;
        if (snapshot(decoy) !== before) throw new Error(`round ${round}: the decoy outside the replica changed`);
      }
    } finally {
      swaps = await racer.stop();
    }
    if (snapshot(decoy) !== before) throw new Error('the decoy outside the replica changed');
    // Once nobody meddles, the mirror converges (a link the racer left is replaced by the folder).
    await writeAndSync(source, replica, state, rounds + 1);
    expectMirrorOf(replica, source);
    return { swaps, runs: rounds, errors };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Files below `dir` whose contents hold `marker`. */
function filesHolding(dir: string, marker: string): string[] {
  const found: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true })) {
      const full = path.join(abs, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && fs.readFileSync(full, 'latin1').includes(marker)) found.push(full);
    }
  };
  walk(dir);
  return found;
}

/**
 * The source side: its folders (writable by everyone) swapped for symlinks to a root-only folder of secrets while
 * runs scan and copy. No secret may reach the replica: the scan never follows a link out of the source, and a
 * file's open never goes through one.
 */
export async function sourceSwapAttack(runs: number): Promise<AttackOutcome> {
  const root = tempDir('fs-attack-src-');
  fs.chmodSync(root, 0o755);
  const source = path.join(root, 'source');
  const replica = path.join(root, 'replica');
  const state = path.join(root, 'state');
  const secrets = path.join(root, 'secrets');
  const stop = path.join(root, 'stop');
  try {
    fs.mkdirSync(source);
    fs.mkdirSync(secrets, { mode: 0o700 });
    for (let i = 0; i < 9; i += 1) fs.writeFileSync(path.join(secrets, `f${i}.txt`), `SECRET ${i}\n`, { mode: 0o600 });
    fs.mkdirSync(path.join(secrets, 'b'), { mode: 0o700 });
    fs.writeFileSync(path.join(secrets, 'b', 'f1.txt'), 'SECRET b\n', { mode: 0o600 });
    writeSource(source, 0);
    const racer = startRacer(source, secrets, stop);
    await racer.started;
    let errors = 0;
    let swaps = 0;
    try {
      for (let run = 1; run <= runs; run += 1) {
        const summary = await runSync({ source, replica, stateDir: state, allowEmptySource: true });
        errors += summary.errors;
        const leaked = filesHolding(replica, 'SECRET');
        if (leaked.length > 0) throw new Error(`run ${run}: secrets reached the replica: ${leaked.join(', ')}`);
      }
    } finally {
      swaps = await racer.stop();
    }
    return { swaps, runs, errors };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function writeAndSync(source: string, replica: string, state: string, round: number): Promise<void> {
  writeSource(source, round);
  const first = await runSync({ source, replica, stateDir: state });
  if (first.status === 'refused') throw new Error(`refused: ${first.refusal?.message}`);
  // A run that found leftovers of the racer may need a second pass for the folders it had to put back.
  if (first.errors > 0) await runSync({ source, replica, stateDir: state });
}
