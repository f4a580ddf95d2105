/** The progress figures the command line and the app share (main/shared/progress.ts). */
import { describe, expect, it } from 'vitest';
import { formatEta, progressParts, RateMeter } from '../../main/shared/progress.js';
import { progressPercent } from '../../main/shared/ipc-contract.js';

describe('shared progress', () => {
  it('measures the rate over the recent past only, after two samples 200 ms apart', () => {
    const meter = new RateMeter();
    meter.add(0, 0);
    meter.add(100, 1000);
    expect(meter.perSecond()).toBeUndefined();
    meter.add(1000, 10_000);
    expect(meter.perSecond()).toBe(10_000);
    // A stall 10 s later: the old fast samples have left the window, so the rate falls with it.
    meter.add(11_000, 10_000);
    meter.add(12_000, 11_000);
    expect(meter.perSecond()).toBeLessThan(1000);
  });

  it('words the figures as the progress line does, and the percent is by bytes', () => {
    expect(formatEta(65)).toBe('1:05');
    expect(formatEta(3725)).toBe('1:02:05');
    const event = { type: 'progress', filesDone: 1, filesTotal: 4, bytesDone: 3 << 20, bytesTotal: 4 << 20, current: 'docs/big.bin' } as const;
    expect(progressParts(event, 1 << 20)).toEqual({ figures: '3.0 MiB of 4.0 MiB (75%), 1.0 MiB/s, 0:01 left, 1/4 files', file: 'docs/big.bin' });
    const view = { filesDone: 1, filesTotal: 4, bytesDone: 3 << 20, bytesTotal: 4 << 20, rate: null, etaSeconds: null, current: null, text: '' };
    expect(progressPercent(view)).toBe(75);
    expect(progressPercent({ ...view, bytesDone: 0, bytesTotal: 0 })).toBe(25);
  });
});
