import { describe, expect, it } from 'vitest';
import { ancestorIn } from '../../../main/engine/fs/paths.js';

describe('ancestorIn', () => {
  it('names the nearest folder above a path that the set holds, never the path itself', () => {
    const folders = new Set(['a', 'a/b', 'x']);
    expect(ancestorIn('a/b/c/d', folders)).toBe('a/b');
    expect(ancestorIn('a/c', folders)).toBe('a');
    expect(ancestorIn('a/b', folders)).toBe('a');
    expect(ancestorIn('a', folders)).toBeUndefined();
    expect(ancestorIn('ab/c', folders)).toBeUndefined();
    expect(ancestorIn('y/x', folders)).toBeUndefined();
  });
});
