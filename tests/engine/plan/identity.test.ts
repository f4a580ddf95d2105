import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  inodesLookStable, mtimeNear, renameEvidence, sameContents, sameFile, settled, settledRow, SINCE_SCAN, toleranceOf, UNCHANGED,
} from '../../../main/engine/plan/identity.js';
import { TableBuilder, type RecordEntry } from '../../../main/engine/record/record.js';
import { BTIME, CTIME, INO, KIND, KIND_CODE, MODE, MTIME, NUMBERS, SIXTH, SIZE, SMALL, ScanSnapshot } from '../../../main/engine/snapshot/snapshot.js';
import type { Entry } from '../../../main/engine/types.js';

const file = (ino: number, over: Partial<Entry> = {}): Entry => ({ kind: 'file', size: 10, mtimeMs: 1000, ctimeMs: 1000, birthtimeMs: 900, mode: 0o644, ino, dev: 1, ...over });
const rec = (ino: number, over: Partial<RecordEntry> = {}): RecordEntry => ({ kind: 'file', size: 10, mtimeMs: 1000, ctimeMs: 1000, birthtimeMs: 900, mode: 0o644, ino, repMtimeMs: 1000, ...over });
const strict = sameContents(true);
const renamed = { trustInodes: true, ctime: 'ignore', mode: false } as const;

describe('the identity of a source file', () => {
  it('one rule, its options the questions asked: unchanged in every recorded field, still as scanned, same contents', () => {
    // A chmod: the record must learn it (UNCHANGED), the contents are still the ones seen (sameContents).
    const chmodded = file(1, { mode: 0o600, ctimeMs: 1500 });
    expect(sameFile(chmodded, rec(1), UNCHANGED)).toBe(false);
    expect(sameFile(chmodded, rec(1), SINCE_SCAN)).toBe(false);
    expect(sameFile(chmodded, rec(1), strict)).toBe(true);
    // The mode alone, ctime kept (a record of an older version): only UNCHANGED asks.
    expect(sameFile(file(1, { mode: 0o600 }), rec(1), UNCHANGED)).toBe(false);
    expect(sameFile(file(1, { mode: 0o600 }), rec(1), SINCE_SCAN)).toBe(true);
    // Another kind at the path is never the same entry, whatever else agrees.
    expect(sameFile(file(1, { kind: 'symlink' }), rec(1), sameContents(false))).toBe(false);
    for (const options of [UNCHANGED, SINCE_SCAN, strict, renamed]) expect(sameFile(file(1), rec(1), options)).toBe(true);
  });


  it('is kind, size, mtime, inode, birth time and ctime; a changed mode explains a changed ctime', () => {
    expect(sameFile(file(1), rec(1), strict)).toBe(true);
    expect(sameFile(file(1, { size: 11 }), rec(1), strict)).toBe(false);
    expect(sameFile(file(1, { mtimeMs: 1001 }), rec(1), strict)).toBe(false);
    expect(sameFile(file(2), rec(1), strict)).toBe(false);
    // Inode reuse: ext4 gives a new file the number just freed; only the birth time tells them apart.
    expect(sameFile(file(1, { birthtimeMs: 950 }), rec(1), strict)).toBe(false);
    // A birth time nobody knows (FUSE drives, records of older versions) says nothing.
    expect(sameFile(file(1, { birthtimeMs: 0 }), rec(1), strict)).toBe(true);
    expect(sameFile(file(1), rec(1, { birthtimeMs: 0 }), strict)).toBe(true);
    // Rewritten in place with size and mtime restored: only the ctime moved.
    expect(sameFile(file(1, { ctimeMs: 1500 }), rec(1), strict)).toBe(false);
    expect(sameFile(file(1, { ctimeMs: 1500, mode: 0o600 }), rec(1), strict)).toBe(true);
    expect(sameFile(file(1, { ctimeMs: 1500 }), rec(1), renamed)).toBe(true);
  });

  it('says of a file found under another name: same (ctime kept), confirm (ctime moved) or different', () => {
    expect(renameEvidence(file(1), rec(1), true)).toBe('same');
    expect(renameEvidence(file(1, { ctimeMs: 2000 }), rec(1), true)).toBe('confirm');
    expect(renameEvidence(file(1, { birthtimeMs: 950, ctimeMs: 2000 }), rec(1), true)).toBe('different');
    expect(renameEvidence(file(1, { size: 9 }), rec(1), true)).toBe('different');
    // Inodes that identify nothing (a FUSE drive remounted): only the contents can confirm.
    expect(renameEvidence(file(777), rec(1), false)).toBe('confirm');
  });
});

describe('inodesLookStable', () => {
  it('a few replaced files do not make inodes untrustworthy', () => {
    const source = new Map<string, Entry>();
    const record = new Map<string, RecordEntry>();
    for (let i = 0; i < 100; i += 1) {
      source.set(`f${i}`, file(i < 5 ? 1000 + i : i));
      record.set(`f${i}`, rec(i));
    }
    expect(inodesLookStable(source, record)).toBe(true);
  });

  it('a source whose inodes were all renumbered (a FUSE drive remounted) is detected', () => {
    const source = new Map<string, Entry>();
    const record = new Map<string, RecordEntry>();
    for (let i = 0; i < 100; i += 1) {
      source.set(`f${i}`, file(500 + i));
      record.set(`f${i}`, rec(i));
    }
    expect(inodesLookStable(source, record)).toBe(false);
    expect(sameFile(file(777), rec(1), sameContents(false))).toBe(true);
    expect(sameFile(file(777), rec(1), strict)).toBe(false);
    expect(sameFile(file(777, { size: 11 }), rec(1, { size: 10 }), sameContents(false))).toBe(false);
  });
});

/** What Node's stat reports as mtimeMs for a time in nanoseconds. */
const msOf = (ns: bigint): number => Number(ns / 1_000_000n) + Number(ns % 1_000_000n) / 1e6;
const floorTo = (ns: bigint, step: bigint): bigint => ns - (ns % step);
const nsTime = fc.bigInt({ min: 946_684_800_000_000_000n, max: 4_102_444_800_000_000_000n });
const near = (a: number, b: number, granularityMs: number, windowMs = 0): boolean => mtimeNear(a, b, toleranceOf(granularityMs, windowMs));

describe('mtimes at a replica\'s precision', () => {
  it('take a floored, rounded or rounded-up replica mtime as equal to the exact source mtime', () => {
    const source = 1_700_000_003_999.123;
    expect(near(source, 1_700_000_002_000, 2000)).toBe(true); // FAT, floored
    expect(near(source, 1_700_000_004_000, 2000)).toBe(true); // Windows' FAT, rounded up
    expect(near(source, 1_700_000_003_000, 1000)).toBe(true); // exFAT, floored
    expect(near(source, 1_700_000_003_990, 10)).toBe(true); // kernel exFAT, 10 ms
  });

  it('see a change of more than one step', () => {
    expect(near(1_700_000_002_000, 1_700_000_004_001, 2000)).toBe(false);
    expect(near(1_700_000_006_500, 1_700_000_002_000, 2000)).toBe(false);
    expect(near(1_700_000_005_000, 1_700_000_003_000, 1000)).toBe(false);
    expect(near(1_700_000_000_000.002, 1_700_000_000_000, 0.001)).toBe(false);
  });

  it('widen by the modify window', () => {
    expect(near(1_700_000_005_000, 1_700_000_003_000, 1000, 2000)).toBe(true);
    expect(near(1_700_000_006_001, 1_700_000_003_000, 1000, 2000)).toBe(false);
  });

  it('for any FAT, exFAT or µs replica: floored equals exact, two steps later does not', () => {
    const steps = [1_000n, 10_000_000n, 1_000_000_000n, 2_000_000_000n];
    fc.assert(
      fc.property(nsTime, fc.constantFrom(...steps), fc.bigInt({ min: 0n, max: 10n ** 9n }), (ns, step, extra) => {
        const granularityMs = Number(step) / 1e6;
        const replica = msOf(floorTo(ns, step));
        expect(near(msOf(ns), replica, granularityMs)).toBe(true);
        expect(near(replica, msOf(ns), granularityMs)).toBe(true);
        const edited = ns + 2n * step + (extra % step);
        expect(near(msOf(edited), replica, granularityMs)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

/** One scanned row holding `e` (its target by row 0). */
function scanRow(e: Entry): ScanSnapshot {
  const numbers = new Float64Array(NUMBERS);
  numbers[SIZE] = e.size;
  numbers[MTIME] = e.mtimeMs;
  numbers[CTIME] = e.ctimeMs;
  numbers[INO] = e.ino;
  numbers[BTIME] = e.birthtimeMs;
  numbers[SIXTH] = e.dev;
  const small = new Uint32Array(SMALL);
  small[KIND] = KIND_CODE[e.kind];
  small[MODE] = e.mode;
  return new ScanSnapshot(['x'], 1, numbers, small, e.target === undefined ? new Map() : new Map([[0, e.target]]));
}

describe('settled: the rule over entries and over rows', () => {
  // Few distinct values, so that equal and unequal fields both come up often.
  const pick = <T>(...values: T[]) => fc.constantFrom(...values);
  const entryArb = fc.record({
    kind: pick<Entry['kind']>('file', 'dir', 'symlink', 'other'),
    size: pick(0, 10), mtimeMs: pick(1000, 1000.5), ctimeMs: pick(1000, 2000), birthtimeMs: pick(0, 900, 950),
    mode: pick(0o644, 0o600), ino: pick(1, 2), dev: pick(1), target: pick<string | undefined>(undefined, 'a', 'b'),
  }).map((e): Entry => {
    const { target, ...rest } = e;
    return e.kind === 'symlink' && target !== undefined ? { ...rest, target } : rest;
  });
  const recordArb = fc.record({
    kind: pick<RecordEntry['kind']>('file', 'dir', 'symlink'),
    size: pick(0, 10), mtimeMs: pick(1000, 1000.5), ctimeMs: pick(1000, 2000), birthtimeMs: pick(0, 900, 950),
    mode: pick(0o644, 0o600), ino: pick(1, 2), repMtimeMs: pick(1000, 1000.5),
  });

  it('gives the same answer for 20,000 generated triples, modes kept or not', () => {
    fc.assert(
      fc.property(entryArb, entryArb, recordArb, fc.boolean(), (src, rep, r, modes) => {
        const builder = new TableBuilder(1);
        builder.add('x', r);
        expect(settledRow(scanRow(src), 0, scanRow(rep), 0, builder.build(), 0, modes)).toBe(settled(src, rep, r, modes));
      }),
      { numRuns: 20_000 },
    );
  });

  it('settles exactly the entries the record vouches for on both sides', () => {
    const src = file(1);
    const r = rec(1);
    expect(settled(src, { ...src, dev: 2 }, r, true)).toBe(true);
    expect(settled(src, { ...src, mtimeMs: 1000.001 }, r, true)).toBe(false);
    expect(settled(src, { ...src, mode: 0o600 }, r, true)).toBe(false);
    expect(settled(src, { ...src, mode: 0o600 }, r, false)).toBe(true);
    expect(settled({ ...src, ctimeMs: 1001 }, src, r, true)).toBe(false);
    expect(settled({ ...src, birthtimeMs: 950 }, src, r, true)).toBe(false);
  });
});
