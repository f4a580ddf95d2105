import { describe, expect, it } from 'vitest';
import { rememberPathText, samePathText, splitPaths } from '../../main/engine/path-list.js';

const tableOf = (text: string): { paths: string[] } => {
  const table = { paths: splitPaths(text) };
  rememberPathText(table, text);
  return table;
};

describe('path columns that arrived as one joined text', () => {
  it('are the same row for row exactly when their texts are equal', () => {
    const a = tableOf(['a', 'a/b', 'c'].join('\0'));
    expect(a.paths).toEqual(['a', 'a/b', 'c']);
    // Equal texts made apart (as two scans make them) still compare equal.
    expect(samePathText(a, tableOf(`a\0a/b\0${'c'}`))).toBe(true);
    expect(samePathText(a, tableOf('a\0a/b\0d'))).toBe(false);
    expect(samePathText(a, tableOf('a\0a/b'))).toBe(false);
    expect(samePathText(tableOf(''), tableOf(''))).toBe(true);
  });

  it('say nothing of tables made any other way, copies included', () => {
    const a = tableOf('a\0b');
    expect(samePathText(a, { paths: ['a', 'b'] })).toBe(false);
    expect(samePathText({ ...a }, a)).toBe(false);
    expect(splitPaths('')).toEqual([]);
  });
});
