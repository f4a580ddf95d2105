/**
 * Whether two folders given by the user overlap: the same folder, or one inside the other, judged through
 * symlinks and for folders that do not exist yet. Host paths (as typed), not the engine's byte strings.
 */
import fs from 'node:fs';
import path from 'node:path';

/** realpath of the path, or of its nearest existing ancestor joined with the rest: for overlap checks. */
export function realpathLoose(target: string): string {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.resolve(target);
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** `child` is `parent` itself or lies below it. */
export function isSameOrInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
