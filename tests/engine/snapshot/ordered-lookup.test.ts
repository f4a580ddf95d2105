import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderedLookup } from '../../../main/engine/snapshot/ordered-lookup.js';

describe('orderedLookup', () => {
  it('answers exactly like Map.get, whatever the order of the questions', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 3 }), { maxLength: 60 }),
        fc.array(fc.string({ maxLength: 3 }), { maxLength: 80 }),
        (keys, questions) => {
          const map = new Map(keys.map((k, i) => [k, i]));
          const lookup = orderedLookup(map);
          for (const q of [...keys, ...questions, ...keys.slice().reverse()]) expect(lookup(q)).toBe(map.get(q));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('walks on in order after a long run of extra entries', () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 10_000; i += 1) map.set(`k${i}`, i);
    let probes = 0;
    const counting = { get: (k: string) => ((probes += 1), map.get(k)), entries: () => map.entries() };
    const lookup = orderedLookup(counting);
    for (let i = 0; i < 10_000; i += 1) if (i < 100 || i >= 1_000) expect(lookup(`k${i}`)).toBe(i);
    expect(probes).toBe(1); // one probe to find k1000 past 900 extra entries, then in order again
  });
});
