import { describe, expect, it } from 'vitest';
import { IntervalError, describeInterval, parseInterval } from '../../main/shared/interval.js';

describe('parseInterval', () => {
  it.each([
    ['5d4h3m2s', 446_582],
    ['05d03m', 432_180],
    ['04h02s', 14_402],
    ['1d2h30m', 95_400],
    ['45s', 45],
    ['1d', 86_400],
    ['2h30m', 9_000],
    ['05d04h03m02s', 446_582],
    [' 10m ', 600],
  ])('%s is %i seconds', (spec, seconds) => {
    expect(parseInterval(spec)).toBe(seconds);
  });

  it.each(['', '0s', '0d0h0m0s', '1h2d', '5', 'abc', '1d1d', '-1s', '1.5h', '1 h', '1w', 's', '10S'])('refuses %j naming it', (spec) => {
    expect(() => parseInterval(spec)).toThrow(IntervalError);
    expect(() => parseInterval(spec)).toThrow(`"${spec}"`);
  });
});

describe('describeInterval', () => {
  it('reads like plain language', () => {
    expect(describeInterval(93_600)).toBe('1 day 2 hours');
    expect(describeInterval(45)).toBe('45 seconds');
    expect(describeInterval(3_661)).toBe('1 hour 1 minute 1 second');
  });
});
