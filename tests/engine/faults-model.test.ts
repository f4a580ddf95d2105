/**
 * Model-based test, bounded sample (heavy, with real SIGKILLs of child runs: tests/faults/model.test.ts):
 * random interleavings of source operations (in-place rewrites with restored mtimes, swaps, deletes followed by
 * creates of equal size and mtime among them), replica tampering, aborted runs and complete runs.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { modelProperty } from '../helpers/fault-model.js';

/** Cases per run: a fresh seed each time, so CI explores new interleavings (a failure prints its seed to replay). */
const RUNS = Number(process.env.FAULT_MODEL_RUNS ?? 2000);

describe('model-based: source operations, tampering, interrupted and complete runs', () => {
  it(`${RUNS} cases: the replica equals the model after every complete run, and nothing torn is ever visible`, async () => {
    await fc.assert(modelProperty({ kills: false }), { numRuns: RUNS, ...(process.env.FAULT_SEED ? { seed: Number(process.env.FAULT_SEED) } : {}) });
  }, 600_000);
});
