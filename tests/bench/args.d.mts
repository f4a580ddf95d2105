// Types for the part of the harness's flag parsing that tests/bench-harness checks.
export declare class UsageError extends Error {}

export interface Variant {
  readonly name: string;
  readonly root: string;
  readonly env: Readonly<Record<string, string>>;
}

export declare function parseArgs(argv: readonly string[]): { readonly variants: readonly Variant[]; readonly rounds: number };
