/**
 * Model-based test, bounded sample (heavy, with real SIGKILLs of child runs: tests/faults/model.test.ts):
 * random interleavings of source operations, replica tampering, aborted runs and complete runs.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { modelProperty } from '../helpers/fault-model.js';

describe('model-based: source operations, tampering, interrupted and complete runs', () => {
  it('the replica equals the model after every complete run, and nothing torn is ever visible', async () => {
    await fc.assert(modelProperty({ kills: false }), { numRuns: 150, seed: 5 });
  }, 60_000);
});
