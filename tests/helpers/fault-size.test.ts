/** The fault suites' size switch: what FOLDER_SYNC_FAULTS, the count variables and FAULT_SEED accept. */
import { describe, expect, it } from 'vitest';
import { countFrom, faultSizeFrom, seedFrom } from './fault-size.js';

describe('fault suite sizes', () => {
  it('runs the sample unless FOLDER_SYNC_FAULTS says heavy, and refuses a value it cannot mean', () => {
    expect(faultSizeFrom({})).toBe('sample');
    expect(faultSizeFrom({ FOLDER_SYNC_FAULTS: '' })).toBe('sample');
    expect(faultSizeFrom({ FOLDER_SYNC_FAULTS: 'sample' })).toBe('sample');
    expect(faultSizeFrom({ FOLDER_SYNC_FAULTS: 'heavy' })).toBe('heavy');
    expect(() => faultSizeFrom({ FOLDER_SYNC_FAULTS: 'Heavy' })).toThrow('FOLDER_SYNC_FAULTS must be "heavy" or "sample" (or unset), not "Heavy".');
  });

  it('lets a count variable override the size, and refuses anything but a whole number', () => {
    expect(countFrom({}, 'FAULT_KILL_CASES', 80)).toBe(80);
    expect(countFrom({ FAULT_KILL_CASES: '3' }, 'FAULT_KILL_CASES', 80)).toBe(3);
    expect(() => countFrom({ FAULT_KILL_CASES: '3x' }, 'FAULT_KILL_CASES', 80)).toThrow('FAULT_KILL_CASES must be a whole number, not "3x".');
  });

  it('takes the negative seeds fast-check prints', () => {
    expect(seedFrom({})).toBeUndefined();
    expect(seedFrom({ FAULT_SEED: '-1820573614' })).toBe(-1820573614);
    expect(() => seedFrom({ FAULT_SEED: 'abc' })).toThrow('FAULT_SEED must be a whole number, not "abc".');
  });
});
