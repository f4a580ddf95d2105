import { describe, expect, it } from 'vitest';
import { JoinedPaths, samePathText, splitPaths } from '../../../main/engine/snapshot/joined-paths.js';

class Table extends JoinedPaths {
  constructor(text: string) {
    super(text);
  }
}

describe('path columns that arrived as one joined text', () => {
  it('are split when first asked for, and the same row for row exactly when their texts are equal', () => {
    const a = new Table(['a', 'a/b', 'c'].join('\0'));
    expect(a.paths).toEqual(['a', 'a/b', 'c']);
    expect(a.paths).toBe(a.paths);
    // Equal texts made apart (as two scans make them) still compare equal.
    expect(samePathText(a, new Table(`a\0a/b\0${'c'}`))).toBe(true);
    expect(samePathText(a, new Table('a\0a/b\0d'))).toBe(false);
    expect(samePathText(a, new Table('a\0a/b'))).toBe(false);
    expect(samePathText(new Table(''), new Table(''))).toBe(true);
    expect(new Table('').paths).toEqual([]);
  });

  it('say nothing of tables made any other way, copies included', () => {
    const a = new Table('a\0b');
    expect(samePathText(a, { paths: ['a', 'b'] })).toBe(false);
    expect(samePathText({ ...a, paths: a.paths }, a)).toBe(false);
    expect(splitPaths('')).toEqual([]);
  });
});
