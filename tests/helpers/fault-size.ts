/**
 * One size switch for the fault suites: each suite is one file, run at a sample size by `npm test` and at its heavy
 * size by `npm run test:faults` (vitest.faults.config.ts sets FOLDER_SYNC_FAULTS=heavy). The per-count variables
 * (FAULT_KILL_CASES, FAULT_MODEL_RUNS, …) still override a single count at either size.
 */

export type FaultSize = 'sample' | 'heavy';

/** The size FOLDER_SYNC_FAULTS asks for; a value it cannot mean throws, so a typo never runs the sample silently. */
export function faultSizeFrom(env: NodeJS.ProcessEnv): FaultSize {
  const value = env.FOLDER_SYNC_FAULTS ?? '';
  if (value === '' || value === 'sample') return 'sample';
  if (value === 'heavy') return 'heavy';
  throw new Error(`FOLDER_SYNC_FAULTS must be "heavy" or "sample" (or unset), not ${JSON.stringify(value)}.`);
}

/** The count `variable` asks for, or `fallback` when it is unset; anything but a whole number ≥ 0 throws. */
export function countFrom(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const value = env[variable];
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${variable} must be a whole number, not ${JSON.stringify(value)}.`);
  return Number(value);
}

/** FAULT_SEED, to replay a failure: an integer (fast-check prints negative ones too), or undefined when unset. */
export function seedFrom(env: NodeJS.ProcessEnv): number | undefined {
  const value = env.FAULT_SEED;
  if (value === undefined || value === '') return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`FAULT_SEED must be a whole number, not ${JSON.stringify(value)}.`);
  return Number(value);
}

export const heavy = faultSizeFrom(process.env) === 'heavy';

/** The sample or the heavy value, by FOLDER_SYNC_FAULTS. */
export function sized<T>(sizes: { sample: T; heavy: T }): T {
  return heavy ? sizes.heavy : sizes.sample;
}

/** A count picked by size, unless `variable` (FAULT_KILL_CASES, …) sets it. */
export function sizedCount(variable: string, sizes: { sample: number; heavy: number }): number {
  return countFrom(process.env, variable, sized(sizes));
}

/** The seed FAULT_SEED sets, if any. */
export const faultSeed = seedFrom(process.env);

/** Measurements worth reading after a heavy run; the sample run stays quiet. */
export function reportHeavy(label: string, value: unknown): void {
  if (heavy) console.log(`${label}: ${JSON.stringify(value)}`);
}
