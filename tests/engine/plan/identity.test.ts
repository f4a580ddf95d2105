import { describe, expect, it } from 'vitest';
import { inodesLookStable, sourceMatchesRecord } from '../../../main/engine/plan/identity.js';
import type { RecordEntry } from '../../../main/engine/record/record.js';
import type { Entry } from '../../../main/engine/types.js';

const file = (ino: number, over: Partial<Entry> = {}): Entry => ({ kind: 'file', size: 10, mtimeMs: 1000, ctimeMs: 1000, mode: 0o644, ino, dev: 1, ...over });
const rec = (ino: number, over: Partial<RecordEntry> = {}): RecordEntry => ({ kind: 'file', size: 10, mtimeMs: 1000, ctimeMs: 1000, mode: 0o644, ino, repMtimeMs: 1000, ...over });

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
    expect(sourceMatchesRecord(file(777), rec(1), false, false)).toBe(true);
    expect(sourceMatchesRecord(file(777), rec(1), false, true)).toBe(false);
    expect(sourceMatchesRecord(file(777, { size: 11 }), rec(1, { size: 10 }), false, false)).toBe(false);
  });
});
