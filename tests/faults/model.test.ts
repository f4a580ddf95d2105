/**
 * Model-based test (heavy): as tests/engine/faults-model.test.ts (2,000 cases per npm test), with many more cases,
 * and real SIGKILLs of child runs (a kill may land after a copy and before the record is saved). Each property
 * runs on a fresh seed (FAULT_SEED replays a failure; FAULT_MODEL_RUNS and FAULT_MODEL_KILL_RUNS set the counts).
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { assertEngineBuilt } from '../helpers/fault-child.js';
import { modelProperty } from '../helpers/fault-model.js';

/** In-process cases (aborted and complete runs): about 50 ms each on a busy 2-core machine. */
const RUNS = Number(process.env.FAULT_MODEL_RUNS ?? 6000);
/** Cases with SIGKILLed child runs: a child process per kill, about 0.3 s a case. */
const KILL_RUNS = Number(process.env.FAULT_MODEL_KILL_RUNS ?? 1000);
const seed = process.env.FAULT_SEED ? { seed: Number(process.env.FAULT_SEED) } : {};

describe('model-based (heavy)', () => {
  it(`${RUNS} random interleavings of source operations, tampering, aborted and complete runs`, async () => {
    await fc.assert(modelProperty({ kills: false }), { numRuns: RUNS, ...seed });
  }, 1_800_000);

  it(`${KILL_RUNS} random interleavings including SIGKILLed child runs`, async () => {
    assertEngineBuilt();
    await fc.assert(modelProperty({ kills: true }), { numRuns: KILL_RUNS, ...seed });
  }, 1_800_000);
});
