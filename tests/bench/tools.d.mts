// Types for the part of the harness's tool adapters that tests/bench-harness checks.
/** Our --stats "time per stage" line as milliseconds per stage; null when the output has none. */
export declare function oursStages(output: string): Record<string, number> | null;
