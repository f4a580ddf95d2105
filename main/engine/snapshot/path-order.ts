/**
 * The one order every list of paths in the engine is kept in: the order a scan lists a tree (scan.ts): a folder's
 * entries by their bytes, then the subtree of each of its folders in turn. The source scan, the replica scan and
 * the record can then be walked side by side like sorted files, with no map of a hundred thousand entries.
 */

/** Negative, zero or positive as `a` comes before, equals or comes after `b`. */
export function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) i += 1;
  // They differ in one name of a common folder: a name with more below it (a folder being walked into) comes
  // after all the names listed in that folder; else the names decide, a name that ends first coming first.
  const aDeeper = a.indexOf('/', i) !== -1;
  const bDeeper = b.indexOf('/', i) !== -1;
  if (aDeeper !== bDeeper) return aDeeper ? 1 : -1;
  return nameCode(a, i) - nameCode(b, i);
}

/** The byte at `i` of a name; its end ("/" or the end of the path) before every byte. */
function nameCode(path: string, i: number): number {
  if (i >= path.length) return -1;
  const code = path.charCodeAt(i);
  return code === 47 ? -1 : code;
}

/**
 * The rows of `paths` in path order: undefined when they already are (always, for a scan; almost always for a
 * record), else a permutation. Throws on a path listed twice, which only a damaged record can hold.
 */
export function pathOrder(paths: readonly string[]): Int32Array | undefined {
  let sorted = true;
  for (let i = 1; i < paths.length; i += 1) {
    const c = comparePaths(paths[i - 1]!, paths[i]!);
    if (c === 0) throw new DuplicatePathError(paths[i]!);
    if (c > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return undefined;
  const order = Int32Array.from(paths.keys()).sort((x, y) => comparePaths(paths[x]!, paths[y]!));
  for (let i = 1; i < order.length; i += 1) {
    if (paths[order[i - 1]!] === paths[order[i]!]) throw new DuplicatePathError(paths[order[i]!]!);
  }
  return order;
}

export class DuplicatePathError extends Error {
  constructor(readonly path: string) {
    super(`the path ${JSON.stringify(path)} is listed twice`);
  }
}
