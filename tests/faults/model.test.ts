/** Model-based test (heavy): as tests/engine/faults-model.test.ts, with many more cases and real SIGKILLs. */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { modelProperty } from '../helpers/fault-model.js';

const RUNS = Number(process.env.FAULT_MODEL_RUNS ?? 1000);

describe('model-based (heavy)', () => {
  it(`${RUNS} random interleavings including SIGKILLed child runs`, async () => {
    assertEngineBuilt();
    await fc.assert(modelProperty({ kills: true }), { numRuns: RUNS, ...(process.env.FAULT_SEED ? { seed: Number(process.env.FAULT_SEED) } : {}) });
  }, 1_800_000);
});
