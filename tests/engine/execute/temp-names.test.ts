/** Temp names (run-state.ts tempName): reserved, distinct, and not to be guessed from the ones seen before. */
import { describe, expect, it } from 'vitest';
import { siblingTemp, tempName } from '../../../main/engine/execute/run-state.js';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';

/** How many characters two names share after the reserved prefix. */
function sharedAfterPrefix(a: string, b: string): number {
  let at = RESERVED_PREFIX.length;
  while (at < a.length && a[at] === b[at]) at += 1;
  return at - RESERVED_PREFIX.length;
}

describe('temp names', () => {
  it('carry the reserved prefix, never repeat, and tell nothing of the next one (each drawn anew)', () => {
    const names = Array.from({ length: 5000 }, () => tempName());
    for (const name of names) expect(name).toMatch(/^\.~folder-sync\.[0-9a-f]{18}\.tmp$/);
    expect(new Set(names).size).toBe(names.length);
    // A per-process prefix and a counter shared 12 characters from one name to the next; 72 random bits share
    // 6 hex digits by chance about once in 17 million pairs.
    const alike = names.slice(1).filter((name, i) => sharedAfterPrefix(name, names[i]!) >= 6);
    expect(alike).toEqual([]);
  });

  it('sit beside their target, so the rename into place never crosses a folder', () => {
    expect(siblingTemp('a/b/c.txt')).toMatch(/^a\/b\/\.~folder-sync\.[0-9a-f]{18}\.tmp$/);
    expect(siblingTemp('top.txt')).toMatch(/^\.~folder-sync\.[0-9a-f]{18}\.tmp$/);
  });
});
