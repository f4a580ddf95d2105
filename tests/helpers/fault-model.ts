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

class WriteFile implements fc.AsyncCommand<Model, Real> {
  constructor(readonly rel: string, readonly content: string) {}
  check = (m: Readonly<Model>): boolean => parentIsDir(m as Model, this.rel) && m.get(this.rel) !== null;
  async run(m: Model, r: Real): Promise<void> {
    fs.writeFileSync(path.join(r.source, this.rel), this.content);
    r.contents.add(this.content);
    m.set(this.rel, this.content);
  }
  toString = (): string => `write(${JSON.stringify(this.rel)}, ${JSON.stringify(this.content)})`;
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
    { arbitrary: fc.tuple(relPath, contentArb).map(([rel, content]) => new WriteFile(rel, content)), weight: 5 },
    { arbitrary: relPath.map((rel) => new MakeDir(rel)), weight: 3 },
    { arbitrary: relPath.map((rel) => new Remove(rel)), weight: 1 },
    { arbitrary: fc.tuple(relPath, relPath).map(([from, to]) => new Rename(from, to)), weight: 3 },
    { arbitrary: fc.tuple(relPath, fc.option(contentArb, { nil: undefined })).map(([rel, content]) => new Tamper(rel, content)), weight: 2 },
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
