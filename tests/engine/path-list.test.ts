import { describe, expect, it } from 'vitest';
import { sameSplitText, splitPaths } from '../../main/engine/path-list.js';

describe('path lists split from one text', () => {
  it('are the same row for row exactly when their texts are equal', () => {
    const a = splitPaths(['a', 'a/b', 'c'].join('\0'));
    expect(a).toEqual(['a', 'a/b', 'c']);
    // Equal texts made apart (as two scans make them) still compare equal.
    expect(sameSplitText(a, splitPaths(`a\0a/b\0${'c'}`))).toBe(true);
    expect(sameSplitText(a, splitPaths('a\0a/b\0d'))).toBe(false);
    expect(sameSplitText(a, splitPaths('a\0a/b'))).toBe(false);
  });

  it('say nothing of lists made any other way, copies included', () => {
    const a = splitPaths('a\0b');
    expect(sameSplitText(a, ['a', 'b'])).toBe(false);
    expect(sameSplitText([...a], a)).toBe(false);
    expect(splitPaths('')).toEqual([]);
    expect(sameSplitText(splitPaths(''), splitPaths(''))).toBe(true);
  });
});
