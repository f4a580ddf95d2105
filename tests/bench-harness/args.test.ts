/** The benchmark's flags for a same-run A/B of builds (--variant, --rounds). */
import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../bench/args.mjs';

describe('bench flags: builds of ours side by side', () => {
  it('reads NAME=DIR with environment variables, repeatable', () => {
    const opts = parseArgs(['--variant', 'old=/tmp/old', '--variant', 'js=/tmp/new:FOLDER_SYNC_NATIVE=0:X=a=b', '--rounds', '5']);
    expect(opts.variants).toEqual([
      { name: 'old', root: '/tmp/old', env: {} },
      { name: 'js', root: '/tmp/new', env: { FOLDER_SYNC_NATIVE: '0', X: 'a=b' } },
    ]);
    expect(opts.rounds).toBe(5);
  });

  it('refuses a variant without a name or folder, and zero rounds, in one sentence', () => {
    for (const bad of [['--variant', '/tmp/old'], ['--variant', 'a='], ['--variant'], ['--rounds', '0']]) {
      expect(() => parseArgs(bad)).toThrow(UsageError);
    }
  });
});
