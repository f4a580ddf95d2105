/**
 * Model-based testing (fast-check `fc.commands`): random interleavings of source operations, replica tampering,
 * interrupted runs (an AbortSignal fired after a random number of operations, or a real SIGKILL of a child
 * run) and complete runs, checked against an in-memory model of what the replica must hold after a complete run.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import { runSync } from '../../main/engine/run/sync.js';
import { startRunner } from './fault-child.js';
import { leftovers } from './fault-tree.js';
import { describeTree, expectMirrorOf, tempDir } from './tree.js';

/** What the replica must hold after a complete run: path → file contents, or null for a folder. */
type Model = Map<string, string | null>;

interface Real {
  readonly source: string;
  readonly replica: string;
  readonly state: string;
  /** Every content any file ever had, on either side: an interrupted run may leave any of them, never a mix. */
  readonly contents: Set<string>;
}

const NAMES = ['a', 'b', 'C', 'd e'];
// Mostly shallow paths: deeper ones only apply once their folders exist, which short sequences rarely build.
const relPath = fc.oneof(
  { arbitrary: fc.constantFrom(...NAMES), weight: 3 },
  { arbitrary: fc.array(fc.constantFrom(...NAMES), { minLength: 2, maxLength: 3 }).map((parts) => parts.join('/')), weight: 2 },
);
const contentArb = fc.oneof(fc.constantFrom('', 'same', 'other'), fc.string({ maxLength: 20 }));

const parentOf = (rel: string): string => (rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '');
const parentIsDir = (m: Model, rel: string): boolean => parentOf(rel) === '' || m.get(parentOf(rel)) === null;
const below = (m: Model, rel: string): string[] => [...m.keys()].filter((k) => k === rel || k.startsWith(`${rel}/`));

/**
 * Whole seconds, a few of them: times Node can set back exactly (it sets microseconds, the kernel keeps
 * nanoseconds), and often equal between files, so size and mtime alone often fail to tell files apart.
 */
const STAMPS = [1_700_000_000, 1_700_000_001, 1_700_000_002];

class WriteFile implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rel: string, readonly content: string, readonly stamp: number) {}
  check = (m: Readonly<Model>): boolean => parentIsDir(m as Model, this.rel) && m.get(this.rel) !== null;
  async run(m: Model, r: Real): Promise<void> {
    fs.writeFileSync(path.join(r.source, this.rel), this.content);
    fs.utimesSync(path.join(r.source, this.rel), this.stamp, this.stamp);
    r.contents.add(this.content);
    m.set(this.rel, this.content);
  }
  toString = (): string => `write(${JSON.stringify(this.rel)}, ${JSON.stringify(this.content)}, ${this.stamp})`;
}

class MakeDir implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rel: string) {}
  check = (m: Readonly<Model>): boolean => parentIsDir(m as Model, this.rel) && !m.has(this.rel);
  async run(m: Model, r: Real): Promise<void> {
    fs.mkdirSync(path.join(r.source, this.rel));
    m.set(this.rel, null);
  }
  toString = (): string => `mkdir(${JSON.stringify(this.rel)})`;
}

class Remove implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rel: string) {}
  check = (m: Readonly<Model>): boolean => m.has(this.rel);
  async run(m: Model, r: Real): Promise<void> {
    fs.rmSync(path.join(r.source, this.rel), { recursive: true });
    for (const k of below(m, this.rel)) m.delete(k);
  }
  toString = (): string => `rm(${JSON.stringify(this.rel)})`;
}

class Rename implements fc.AsyncCommand<Model, Real> {
  constructor(readonly from: string, readonly to: string) {}
  check = (m: Readonly<Model>): boolean =>
    m.has(this.from) && !m.has(this.to) && parentIsDir(m as Model, this.to) && !`${this.to}/`.startsWith(`${this.from}/`);
  async run(m: Model, r: Real): Promise<void> {
    fs.renameSync(path.join(r.source, this.from), path.join(r.source, this.to));
    for (const k of below(m, this.from)) {
      const v = m.get(k)!;
      m.delete(k);
      m.set(this.to + k.slice(this.from.length), v);
    }
  }
  toString = (): string => `mv(${JSON.stringify(this.from)}, ${JSON.stringify(this.to)})`;
}

/** The model's files, in a fixed order: commands that act on "some file" pick one of these at run time. */
const filesOf = (m: Readonly<Model>): string[] => [...m.keys()].filter((k) => typeof m.get(k) === 'string').sort();
const fileAt = (m: Readonly<Model>, pick: number): string => {
  const files = filesOf(m);
  return files[pick % files.length]!;
};

/** `content` made exactly `length` bytes long (repeated or cut), and different from `old` where it can be. */
function sameLength(content: string, length: number, old: string): string {
  if (length === 0) return '';
  const seed = content === '' ? 'x' : content;
  let out = Buffer.from(seed.repeat(Math.ceil(length / Buffer.byteLength(seed)) + 1)).subarray(0, length).toString('latin1');
  if (out === old) out = out.slice(0, -1) + (out.endsWith('#') ? '%' : '#');
  return out;
}

/**
 * A file rewritten in place to the same size, its mtime put back as `cp -p`, tar or rsync -t do: same inode, same
 * birth time, same size and mtime; only the ctime (and the contents) tell. Followed by a rename or a swap, it is
 * the story a move from the record must not mistake for a pure rename.
 */
class RewriteInPlace implements fc.AsyncCommand<Model, Real> {
  private rel = '';
  constructor(readonly pick: number, readonly content: string) {}
  check = (m: Readonly<Model>): boolean => filesOf(m).length > 0;
  async run(m: Model, r: Real): Promise<void> {
    this.rel = fileAt(m, this.pick);
    const abs = path.join(r.source, this.rel);
    const old = fs.readFileSync(abs, 'latin1');
    const next = sameLength(this.content, old.length, old);
    const { mtimeMs } = fs.statSync(abs);
    const fd = fs.openSync(abs, 'r+');
    fs.writeSync(fd, Buffer.from(next, 'latin1'), 0, next.length, 0);
    fs.closeSync(fd);
    fs.utimesSync(abs, mtimeMs / 1000, mtimeMs / 1000);
    r.contents.add(next);
    m.set(this.rel, next);
  }
  toString = (): string => `rewriteInPlace(${JSON.stringify(this.rel)}, ${JSON.stringify(this.content)})`;
}

/**
 * A file deleted and another created at another name with the same size and mtime (a restore, `cp -p`): ext4 gives
 * it the freed inode number at once, so only its birth time tells it is not the deleted file renamed.
 */
class ReplaceAsNew implements fc.AsyncCommand<Model, Real> {
  private from = '';
  constructor(readonly pick: number, readonly to: string, readonly content: string) {}
  check = (m: Readonly<Model>): boolean => filesOf(m).length > 0 && !m.has(this.to) && parentIsDir(m as Model, this.to);
  async run(m: Model, r: Real): Promise<void> {
    this.from = fileAt(m, this.pick);
    const from = path.join(r.source, this.from);
    const old = fs.readFileSync(from, 'latin1');
    const { mtimeMs } = fs.statSync(from);
    const next = sameLength(this.content, old.length, old);
    fs.rmSync(from);
    fs.writeFileSync(path.join(r.source, this.to), Buffer.from(next, 'latin1'));
    fs.utimesSync(path.join(r.source, this.to), mtimeMs / 1000, mtimeMs / 1000);
    r.contents.add(next);
    m.delete(this.from);
    m.set(this.to, next);
  }
  toString = (): string => `replaceAsNew(${JSON.stringify(this.from)} -> ${JSON.stringify(this.to)}, ${JSON.stringify(this.content)})`;
}

/** Two files swap names through a temporary one, as a save-by-rename dance would. */
class Swap implements fc.AsyncCommand<Model, Real> {
  private a = '';
  private b = '';
  constructor(readonly pickA: number, readonly pickB: number) {}
  check = (m: Readonly<Model>): boolean => filesOf(m).length > 1;
  async run(m: Model, r: Real): Promise<void> {
    const files = filesOf(m);
    this.a = files[this.pickA % files.length]!;
    this.b = files[(this.pickA + 1 + (this.pickB % (files.length - 1))) % files.length]!;
    const [a, b] = [path.join(r.source, this.a), path.join(r.source, this.b)];
    const temp = `${a}.swap`;
    fs.renameSync(a, temp);
    fs.renameSync(b, a);
    fs.renameSync(temp, b);
    const [va, vb] = [m.get(this.a)!, m.get(this.b)!];
    m.set(this.a, vb);
    m.set(this.b, va);
  }
  toString = (): string => `swap(${JSON.stringify(this.a)}, ${JSON.stringify(this.b)})`;
}

/** Some existing file renamed or moved to a free path (after a rewrite in place: the story moves must see through). */
class RenameFile implements fc.AsyncCommand<Model, Real> {
  private from = '';
  constructor(readonly pick: number, readonly to: string) {}
  check = (m: Readonly<Model>): boolean => filesOf(m).length > 0 && !m.has(this.to) && parentIsDir(m as Model, this.to);
  async run(m: Model, r: Real): Promise<void> {
    this.from = fileAt(m, this.pick);
    fs.renameSync(path.join(r.source, this.from), path.join(r.source, this.to));
    m.set(this.to, m.get(this.from)!);
    m.delete(this.from);
  }
  toString = (): string => `renameFile(${JSON.stringify(this.from)} -> ${JSON.stringify(this.to)})`;
}

/** Behind the engine's back: the replica's copy of a file is edited, or removed. */
class Tamper implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rel: string, readonly content: string | undefined) {}
  check = (): boolean => true;
  async run(_m: Model, r: Real): Promise<void> {
    const abs = path.join(r.replica, this.rel);
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(abs);
    } catch {
      return; // not in the replica (or a file where a folder is on the way)
    }
    if (!stat.isFile()) return;
    if (this.content === undefined) fs.rmSync(abs);
    else {
      fs.writeFileSync(abs, this.content);
      r.contents.add(this.content);
    }
  }
  toString = (): string => `tamper(${JSON.stringify(this.rel)}, ${this.content === undefined ? 'delete' : JSON.stringify(this.content)})`;
}

/** Nothing partial or foreign is ever visible, whatever state an interrupted run left. */
function expectNoTornFiles(r: Real): void {
  for (const [rel, entry] of Object.entries(describeTree(r.replica))) {
    if (entry.kind !== 'file') continue;
    const content = fs.readFileSync(Buffer.from(path.join(r.replica, rel), 'latin1'), 'utf8');
    expect(r.contents.has(content), `replica file ${JSON.stringify(rel)} holds content no version ever had`).toBe(true);
  }
}

/** A run stopped by its AbortSignal after `after` operations. */
class AbortedRun implements fc.AsyncCommand<Model, Real> {
  constructor(readonly after: number) {}
  check = (): boolean => true;
  async run(_m: Model, r: Real): Promise<void> {
    const controller = new AbortController();
    let ops = 0;
    await runSync({
      source: r.source,
      replica: r.replica,
      stateDir: r.state,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'op' && (ops += 1) >= this.after) controller.abort();
      },
    });
    expectNoTornFiles(r);
  }
  toString = (): string => `abortedRun(after ${this.after} ops)`;
}

/** A child run SIGKILLed after a share of its planned actions (or, for share 0, at a step of the record write). */
class KilledRun implements fc.AsyncCommand<Model, Real> {
  constructor(readonly share: number) {}
  check = (): boolean => true;
  async run(_m: Model, r: Real): Promise<void> {
    const exit = await startRunner({
      source: r.source,
      replica: r.replica,
      stateDir: r.state,
      ...(this.share === 0 ? { killInRecord: 'write' as const } : { killAfterShare: this.share }),
    }).exited;
    expect(exit.summary !== undefined || exit.signal === 'SIGKILL', exit.stderr).toBe(true);
    expectNoTornFiles(r);
  }
  toString = (): string => `killedRun(${this.share === 0 ? 'in the record write' : `after ${Math.round(this.share * 100)}%`})`;
}

/** A complete run: the replica must then equal the model exactly, and one more run must change nothing. */
class CompleteRun implements fc.AsyncCommand<Model, Real> {
  check = (): boolean => true;
  async run(m: Model, r: Real): Promise<void> {
    const summary = await runSync({ source: r.source, replica: r.replica, stateDir: r.state, allowEmptySource: true });
    expect(summary.status).toBe('ok');
    const replica = describeTree(r.replica);
    const expected: Record<string, unknown> = {};
    for (const [rel, content] of m) expected[rel] = content === null ? { kind: 'dir' } : { kind: 'file', size: Buffer.byteLength(content), hash: expect.any(String) };
    expect(replica).toEqual(expected);
    for (const [rel, content] of m) {
      if (content !== null) expect(fs.readFileSync(path.join(r.replica, rel), 'utf8'), rel).toBe(content);
    }
    expectMirrorOf(r.replica, r.source);
    expect(leftovers(r.replica)).toEqual([]);
    const again = await runSync({ source: r.source, replica: r.replica, stateDir: r.state, allowEmptySource: true });
    expect(again.copied + again.updated + again.moved + again.deleted + again.created + again.metadata).toBe(0);
  }
  toString = (): string => 'completeRun';
}

export function modelCommands(options: { kills: boolean }): fc.Arbitrary<Iterable<fc.AsyncCommand<Model, Real>>> {
  type Weighted = { arbitrary: fc.Arbitrary<fc.AsyncCommand<Model, Real>>; weight: number };
  const commands: Weighted[] = [
    { arbitrary: fc.tuple(relPath, contentArb, fc.constantFrom(...STAMPS)).map(([rel, content, stamp]) => new WriteFile(rel, content, stamp)), weight: 5 },
    { arbitrary: relPath.map((rel) => new MakeDir(rel)), weight: 3 },
    { arbitrary: relPath.map((rel) => new Remove(rel)), weight: 1 },
    { arbitrary: fc.tuple(relPath, relPath).map(([from, to]) => new Rename(from, to)), weight: 3 },
    { arbitrary: fc.tuple(relPath, fc.option(contentArb, { nil: undefined })).map(([rel, content]) => new Tamper(rel, content)), weight: 2 },
    { arbitrary: fc.tuple(fc.nat(), contentArb).map(([pick, content]) => new RewriteInPlace(pick, content)), weight: 3 },
    { arbitrary: fc.tuple(fc.nat(), relPath, contentArb).map(([pick, to, content]) => new ReplaceAsNew(pick, to, content)), weight: 2 },
    { arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => new Swap(a, b)), weight: 2 },
    { arbitrary: fc.tuple(fc.nat(), relPath).map(([pick, to]) => new RenameFile(pick, to)), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max: 12 }).map((after) => new AbortedRun(after)), weight: 2 },
    { arbitrary: fc.constant(new CompleteRun()), weight: 2 },
  ];
  if (options.kills) {
    const share = fc.oneof(fc.constant(0), fc.double({ min: 0.05, max: 1, noNaN: true }));
    commands.push({ arbitrary: share.map((s) => new KilledRun(s)), weight: 2 });
  }
  // fc.commands picks among its arbitraries uniformly: a weight is that many copies.
  return fc.commands(commands.flatMap((c) => Array.from({ length: c.weight }, () => c.arbitrary)), { maxCommands: 40 });
}

/** One fast-check property over the commands, each case in a fresh temp folder, ending with a complete run. */
export function modelProperty(options: { kills: boolean }): fc.IAsyncPropertyWithHooks<[Iterable<fc.AsyncCommand<Model, Real>>]> {
  return fc.asyncProperty(modelCommands(options), async (commands) => {
    const root = tempDir('fs-model-');
    const real: Real = {
      source: path.join(root, 'source'),
      replica: path.join(root, 'replica'),
      state: path.join(root, 'state'),
      contents: new Set(),
    };
    fs.mkdirSync(real.source);
    try {
      await fc.asyncModelRun(() => ({ model: new Map(), real }), [...commands, new CompleteRun()]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}
