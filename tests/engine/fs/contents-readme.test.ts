/**
 * The sample that confirms a ctime-moved rename (fs/contents.ts) is what the README says it is, residual limit
 * included: the claim and the code cannot drift apart unnoticed.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sampleOffsets } from '../../../main/engine/fs/contents.js';

const MiB = 1 << 20;
const BLOCK = 64 * 1024;

describe('the content sample the README promises', () => {
  const readme = fs.readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');

  it('the README states the residual limit in "How it works, and what it promises"', () => {
    const section = readme.slice(readme.indexOf('## How it works, and what it promises'), readme.indexOf('## Native file access'));
    expect(section).toContain('in full up to 1 MiB and in 16 blocks of 64 KiB spread from its first byte to its last');
    expect(section).toContain('The residual limit: a file over 1 MiB rewritten in place');
  });

  it('reads a file of up to 1 MiB in full', () => {
    expect(sampleOffsets(MiB)).toEqual(Array.from({ length: 16 }, (_, i) => i * BLOCK));
    expect(sampleOffsets(1000)).toEqual([0]);
  });

  it('above 1 MiB, 16 blocks of 64 KiB from the first byte to the last', () => {
    for (const size of [MiB + 1, 128 * MiB, 10 * 1024 * MiB + 7]) {
      const offsets = sampleOffsets(size);
      expect(offsets).toHaveLength(16);
      expect(offsets[0]).toBe(0);
      expect(offsets.at(-1)! + BLOCK).toBe(size);
    }
  });
});
