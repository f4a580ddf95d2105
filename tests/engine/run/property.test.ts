/**
 * Property: whatever happens to the source (and to the replica behind our back) between runs, after a run the
 * replica equals the source, and a second run right after changes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePair } from '../../helpers/pair.js';
import { ctimes, describeTree } from '../../helpers/tree.js';

const NAMES = ['a', 'b', 'A', 'c d', 'e\nf', 'x.txt'];
const name = fc.constantFrom(...NAMES);
const relPath = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));
const content = fc.oneof(fc.constantFrom('', 'same', 'other'), fc.string({ maxLength: 40 }));

type Op =
  | { kind: 'write'; path: string; content: string }
  | { kind: 'mkdir'; path: string }
  | { kind: 'rm'; path: string }
  | { kind: 'mv'; from: string; to: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chmod'; path: string; mode: number }
  | { kind: 'touch'; path: string; seconds: number }
  | { kind: 'tamper'; path: string; content: string }
  | { kind: 'sync' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), path: relPath, content }),
  fc.record({ kind: fc.constant('mkdir' as const), path: relPath }),
  fc.record({ kind: fc.constant('rm' as const), path: relPath }),
  fc.record({ kind: fc.constant('mv' as const), from: relPath, to: relPath }),
  fc.record({ kind: fc.constant('symlink' as const), path: relPath, target: fc.constantFrom('a', '../b', '/nonexistent') }),
  fc.record({ kind: fc.constant('chmod' as const), path: relPath, mode: fc.constantFrom(0o600, 0o644, 0o755, 0o700) }),
  fc.record({ kind: fc.constant('touch' as const), path: relPath, seconds: fc.integer({ min: 1_000_000_000, max: 1_900_000_000 }) }),
  fc.record({ kind: fc.constant('tamper' as const), path: relPath, content }),
  fc.constant({ kind: 'sync' as const }),
);

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The operation would go through a symlink (and so, maybe, out of the tree): the harness must not follow it. */
function followsLink(root: string, rel: string, includingLast: boolean): boolean {
  const parts = rel.split('/');
  const upTo = includingLast ? parts.length : parts.length - 1;
  for (let i = 1; i <= upTo; i += 1) if (isLink(path.join(root, ...parts.slice(0, i)))) return true;
  return false;
}

function touchesLink(root: string, o: Exclude<Op, { kind: 'sync' }>): boolean {
  switch (o.kind) {
    case 'mv':
      return followsLink(root, o.from, false) || followsLink(root, o.to, true);
    case 'write':
    case 'tamper':
    case 'mkdir':
      return followsLink(root, o.path, true);
    default:
      return followsLink(root, o.path, false);
  }
}

/** Applies one operation to a tree; operations that do not apply (missing parent, wrong type) are no-ops. */
function apply(root: string, o: Exclude<Op, { kind: 'sync' }>): void {
  const at = (p: string): string => path.join(root, p);
  if (touchesLink(root, o)) return;
  try {
    switch (o.kind) {
      case 'write':
        fs.writeFileSync(at(o.path), o.content);
        break;
      case 'tamper': {
        // An edit behind our back happens at its own moment. Written in the same clock tick (ext4 stamps at 1-4 ms)
        // as a source file of the same size, with no record yet, it would be indistinguishable by the quick check
        // of size and mtime, by definition (rsync alike; --checksum is for that): date it a second earlier.
        fs.writeFileSync(at(o.path), o.content);
        const earlier = (Date.now() - 1000) / 1000;
        fs.utimesSync(at(o.path), earlier, earlier);
        break;
      }
      case 'mkdir':
        fs.mkdirSync(at(o.path));
        break;
      case 'rm':
        fs.rmSync(at(o.path), { recursive: true });
        break;
      case 'mv':
        fs.renameSync(at(o.from), at(o.to));
        break;
      case 'symlink':
        fs.symlinkSync(o.target, at(o.path));
        break;
      case 'chmod':
        if (!fs.lstatSync(at(o.path)).isSymbolicLink()) fs.chmodSync(at(o.path), o.mode);
        break;
      case 'touch':
        fs.lutimesSync(at(o.path), o.seconds, o.seconds);
        break;
    }
  } catch {
    // Not applicable to the current tree: fine, the sequence goes on.
  }
}

describe('property: the replica equals the source after every run', () => {
  it('holds for random operation sequences with replica tampering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const pair = makePair();
        try {
          for (const o of [...ops, { kind: 'sync' as const }]) {
            if (o.kind !== 'sync') {
              apply(o.kind === 'tamper' ? pair.replica : pair.source, o);
              continue;
            }
            // Rule 2: the source is never modified, and nothing beside the replica and the state folder appears.
            const sourceBefore = ctimes(pair.source);
            const { summary } = await pair.sync({ allowEmptySource: true });
            expect(ctimes(pair.source)).toEqual(sourceBefore);
            expect(fs.readdirSync(pair.root).sort()).toEqual(['replica', 'source', 'state']);
            expect(summary.status).toBe('ok');
            pair.expectMirror();
            const again = await pair.sync({ allowEmptySource: true });
            expect(again.ops).toEqual([]);
          }
          expect(describeTree(pair.replica)).toEqual(describeTree(pair.source));
        } finally {
          pair.cleanup();
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
