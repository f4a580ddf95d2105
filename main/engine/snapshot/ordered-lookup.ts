/**
 * Lookups made in (nearly) the map's own order. The scans list both trees in the same order (depth first, names
 * sorted) and the record is written in that order too, so walking the source and asking the replica and the record
 * for the same path mostly finds it at the next position: a string compare instead of a hash probe into a table of
 * a million entries, which is what dominated planning at that size (each probe a cache miss).
 * Out-of-order keys (moves, new files) fall back to the map. Callers look up every key of their walk, in order.
 */

/** How far ahead to look for the key before asking the map: absorbs a few extra or missing entries. */
const LOOKAHEAD = 4;
/**
 * After the map found a key the window missed (a folder of deleted files left extra entries), how far ahead to
 * look for it to walk on in order from there. The position only moves forward, so this stays linear overall.
 */
const RESYNC = 4096;

export interface ReadableMap<T> {
  get(key: string): T | undefined;
  entries(): IterableIterator<[string, T]>;
}

export function orderedLookup<T>(map: ReadableMap<T>): (key: string) => T | undefined {
  // A few entries read ahead of the walk, never a copy of the map: a million-entry walk stays O(1) in memory.
  const ahead: Array<[string, T]> = [];
  const iterator = map.entries();
  let exhausted = false;
  const fill = (count: number): void => {
    while (!exhausted && ahead.length < count) {
      const next = iterator.next();
      if (next.done) exhausted = true;
      else ahead.push(next.value);
    }
  };
  return (key) => {
    fill(LOOKAHEAD + 1);
    for (let i = 0; i < ahead.length; i += 1) {
      if (ahead[i]![0] === key) {
        const value = ahead[i]![1];
        ahead.splice(0, i + 1);
        return value;
      }
    }
    const value = map.get(key);
    if (value !== undefined) {
      // Skip ahead to it; entries passed over are still answered, by the map.
      for (let skipped = 0; skipped < RESYNC; skipped += 1) {
        fill(1);
        const next = ahead.shift();
        if (next === undefined || next[0] === key) break;
      }
    }
    return value;
  };
}
