/**
 * Path columns that arrived as one NUL-joined text (a scan as its worker sends it, the record as it is stored).
 * The text is remembered for the table that holds the paths: two such tables list the same paths row for row
 * exactly when their texts are equal, and comparing two texts of 4 MB is one memcmp, where comparing 100,000 pairs
 * of paths costs several milliseconds. A scan's text is split into paths only when a path is first asked for: a
 * run that changed nothing never asks.
 */
const texts = new WeakMap<object, string>();

/** The paths of NUL-joined `text` (none for ''). */
export function splitPaths(text: string): string[] {
  return text === '' ? [] : text.split('\0');
}

/**
 * A table whose paths are kept as the NUL-joined text they arrived as, split when a path is first asked for, and
 * remembered for samePathText. A class with the getter on its prototype, not object literals with a getter each:
 * those (a closure and a context per table) made V8 grow the young generation to its limit over thousands of runs.
 */
export class JoinedPaths {
  private split: readonly string[] | undefined;

  protected constructor(private readonly text: string) {
    texts.set(this, text);
  }

  get paths(): readonly string[] {
    this.split ??= splitPaths(this.text);
    return this.split;
  }
}

/** True when both tables' paths came from equal texts, so are the same paths in the same rows; false says nothing. */
export function samePathText(a: object, b: object): boolean {
  const text = texts.get(a);
  return text !== undefined && text === texts.get(b);
}
