/**
 * Model-based test: random interleavings of source operations (in-place rewrites with restored mtimes, swaps,
 * deletes followed by creates of equal size and mtime among them), replica tampering, aborted runs and complete
 * runs; then the same with real SIGKILLs of child runs (a kill may land after a copy and before the record is
 * saved). Each property runs on a fresh seed, so every run explores new interleavings (a failure prints its seed:
 * FAULT_SEED replays it). FOLDER_SYNC_FAULTS=heavy raises the counts; FAULT_MODEL_RUNS and FAULT_MODEL_KILL_RUNS
 * set them.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { faultSeed, sized, sizedCount } from '../helpers/fault-size.js';
import { modelProperty } from '../helpers/fault-model.js';

/** In-process cases (aborted and complete runs): tens of milliseconds each. */
const RUNS = sizedCount('FAULT_MODEL_RUNS', { sample: 2000, heavy: 6000 });
/** Cases with SIGKILLed child runs: a child process per kill, a few tenths of a second a case. */
const KILL_RUNS = sizedCount('FAULT_MODEL_KILL_RUNS', { sample: 5, heavy: 1000 });
const seed = faultSeed === undefined ? {} : { seed: faultSeed };

describe('model-based: source operations, tampering, interrupted and complete runs', () => {
  it(`${RUNS} cases: the replica equals the model after every complete run, and nothing torn is ever visible`, async () => {
    await fc.assert(modelProperty({ kills: false }), { numRuns: RUNS, ...seed });
  }, sized({ sample: 600_000, heavy: 1_800_000 }));

  it(`${KILL_RUNS} cases including SIGKILLed child runs`, async () => {
    assertEngineBuilt();
    await fc.assert(modelProperty({ kills: true }), { numRuns: KILL_RUNS, ...seed });
  }, sized({ sample: 120_000, heavy: 1_800_000 }));
});
