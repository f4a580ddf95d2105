/** The last guard on a pair's state folder: an id that is not a plain name is never joined into a path. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairStateDir } from '../../main/app/pair-state-dir.js';

describe('pairStateDir', () => {
  it('joins a plain id under the root', () => {
    expect(pairStateDir('/data/state', '6f1c-42')).toBe(path.join('/data/state', '6f1c-42'));
  });

  it.each(['../../x', '..', '.', 'a/b', '', 'a\u0000b', 'x'.repeat(65)])('refuses %j', (id) => {
    expect(() => pairStateDir('/data/state', id)).toThrow(/is not a plain name/);
  });
});
