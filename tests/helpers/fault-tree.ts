/**
 * Trees for fault tests: a source of many small and a few large self-checking files (fault-content.ts), a seeded
 * batch of pending changes (renames, a folder move, deletions, new versions, new files, mode changes), and the
 * checks every fault case ends with.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { loadRecord, recordFileFor } from '../../main/engine/record/record-file.js';
import { versionedContent } from './fault-content.js';
import { describeTree, type TreeEntry } from './tree.js';

/** A small deterministic PRNG (mulberry32): fault cases are reproducible from their seed. */
export function prng(seed: number): { next(): number; int(max: number): number; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  return { next, int, pick: (items) => items[int(items.length)]! };
}

export interface TreeShape {
  readonly folders: number;
  readonly smallFiles: number;
  readonly largeFiles: number;
  readonly largeBytes: number;
}

export class FaultTree {
  private nextId = 0;
  private readonly versions = new Map<string, number>();

  constructor(readonly root: string, private readonly random: ReturnType<typeof prng>) {}

  /** Writes a new version of `rel` (a new file when it did not exist). */
  write(rel: string, size: number): void {
    const abs = path.join(this.root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const id = this.idOf(rel);
    const version = (this.versions.get(id) ?? 0) + 1;
    this.versions.set(id, version);
    fs.writeFileSync(abs, versionedContent(id, version, size));
  }

  populate(shape: TreeShape): void {
    for (let i = 0; i < shape.smallFiles; i += 1) {
      const dir = `d${i % shape.folders}`;
      this.write(`${dir}/f${i}.dat`, 64 + this.random.int(4000));
    }
    for (let i = 0; i < shape.largeFiles; i += 1) this.write(`big/large${i}.bin`, shape.largeBytes);
    fs.mkdirSync(path.join(this.root, 'empty/nested'), { recursive: true });
  }

  /** A batch of pending changes: what a killed run is in the middle of applying. */
  churn(intensity: number): void {
    const files = this.files();
    const small = files.filter((f) => !f.startsWith('big/'));
    const large = files.filter((f) => f.startsWith('big/'));
    for (let i = 0; i < intensity; i += 1) {
      const rel = this.random.pick(small);
      const abs = path.join(this.root, rel);
      if (!fs.existsSync(abs)) continue;
      switch (this.random.int(5)) {
        case 0: {
          // rename within or across folders
          const dir = path.join(this.root, `d${this.random.int(8)}`);
          fs.mkdirSync(dir, { recursive: true });
          fs.renameSync(abs, path.join(dir, `r${this.nextId++}-${path.basename(rel)}`));
          break;
        }
        case 1:
          fs.rmSync(abs);
          break;
        case 2:
          this.write(rel, 64 + this.random.int(4000));
          break;
        case 3:
          this.write(`d${this.random.int(8)}/n${this.nextId++}.dat`, 64 + this.random.int(4000));
          break;
        default:
          fs.chmodSync(abs, this.random.pick([0o600, 0o640, 0o644, 0o444]));
      }
    }
    // A folder rename and a new version of one large file in every batch.
    const dirs = fs.readdirSync(this.root).filter((d) => /^d\d+$/.test(d));
    const from = this.random.pick(dirs);
    fs.renameSync(path.join(this.root, from), path.join(this.root, `d${100 + this.nextId++}`));
    const big = this.random.pick(large);
    if (big !== undefined) this.write(big, fs.statSync(path.join(this.root, big)).size - 100 + this.random.int(200));
  }

  private idOf(rel: string): string {
    return rel.replace(/[^A-Za-z0-9]/g, '_');
  }

  private files(): string[] {
    const out: string[] = [];
    const walk = (rel: string): void => {
      for (const d of fs.readdirSync(path.join(this.root, rel), { withFileTypes: true })) {
        const child = rel === '' ? d.name : `${rel}/${d.name}`;
        if (d.isDirectory()) walk(child);
        else out.push(child);
      }
    };
    walk('');
    return out.sort();
  }
}

/** Names anywhere below `root` that start with the engine's reserved prefix (temp files, staging, probes). */
export function leftovers(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, d.name);
      if (d.name.startsWith('.~folder-sync.')) out.push(path.relative(root, abs));
      else if (d.isDirectory()) walk(abs);
    }
  };
  walk(root);
  return out;
}

export function mirrorOf(root: string): Record<string, TreeEntry> {
  return describeTree(root, { mtimes: true, modes: true });
}

/** The record of a pair as the engine will load it; fails when it would be set aside as unusable. */
export function expectUsableRecord(stateDir: string, source: string, replica: string): void {
  const file = recordFileFor(stateDir, path.resolve(source), path.resolve(replica));
  if (!fs.existsSync(file)) return;
  const copy = `${file}.check`;
  fs.copyFileSync(file, copy);
  try {
    const loaded = loadRecord(copy, path.resolve(source), path.resolve(replica));
    expect(loaded.warning).toBeUndefined();
  } finally {
    fs.rmSync(copy, { force: true });
    for (const name of fs.readdirSync(stateDir)) if (name.includes('.check.corrupt-')) fs.rmSync(path.join(stateDir, name));
  }
}

export function recordBytes(stateDir: string, source: string, replica: string): Buffer | undefined {
  const file = recordFileFor(stateDir, path.resolve(source), path.resolve(replica));
  return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
}
