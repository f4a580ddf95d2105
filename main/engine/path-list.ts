/**
 * Lists of paths split from one NUL-joined text (a scan as a worker sends it, the record as it is stored),
 * remembered with that text: two such lists are equal row for row exactly when their texts are, and comparing two
 * texts of 4 MB is one memcmp, where comparing 100,000 pairs of paths costs several milliseconds.
 */
const texts = new WeakMap<readonly string[], string>();

/** `text` split at NUL (nothing for ''); the list is not to be changed, or sameSplitText would lie. */
export function splitPaths(text: string): readonly string[] {
  const paths = text === '' ? [] : text.split('\0');
  texts.set(paths, text);
  return paths;
}

/** True when both lists were split from equal texts, so hold the same paths in the same rows; false says nothing. */
export function sameSplitText(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const text = texts.get(a);
  return text !== undefined && text === texts.get(b);
}
