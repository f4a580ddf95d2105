// Types for the part of the harness's report module that tests/bench-harness checks.
export interface TargetCheck {
  readonly target: string;
  readonly measured: string | null;
  readonly pass: boolean | null;
}

export declare const LINEAR_SLACK: number;

/** `cells` and `baseline` as the harness builds and writes them (report.mjs summarise, run.mjs writeReport). */
export declare function linearGrowth(cells: unknown, config: { readonly files: number }, baseline?: unknown): TargetCheck;

export declare const EVENT_LOOP_LIMIT_MS: number;

/** Each scenario's longest event-loop block in ms, as event-loop.mjs measures it. */
export declare function eventLoopCheck(blocks: Readonly<Record<string, number>> | undefined): TargetCheck;

export declare const IDLE_MEMORY_LIMIT_BYTES: number;

/** The host's RSS before the runs, at its peak and after idling (event-loop.mjs). */
export declare function idleMemoryCheck(idle: { readonly beforeBytes: number; readonly peakBytes: number; readonly afterBytes: number; readonly settleSeconds: number } | undefined): TargetCheck;
