/**
 * Whether two folders given by the user overlap — the same folder, or one inside the other — however the paths are
 * spelled: through symlinks, `..`, and bind mounts (a bind mount shows the same folder at a second path, which no
 * comparison of path strings sees). Decided by identity: a folder is inside another when the other's device and
 * inode are those of the folder itself or of one of its ancestors. The one check for the CLI, the app and the
 * engine. Host paths (as typed), not the engine's byte strings.
 */
import fs from 'node:fs';
import path from 'node:path';

/** realpath of the path, or of its nearest existing ancestor joined with the rest: for messages and string fallbacks. */
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

function identity(target: string): fs.Stats | undefined {
  try {
    return fs.statSync(target);
  } catch {
    return undefined;
  }
}

/** The path string lies at or below the other (both resolved through what exists of them). */
function isWithinText(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `child` is `parent` itself or lies below it: by device and inode where `parent` exists, else by resolved path. */
export function isSameOrInside(child: string, parent: string): boolean {
  const folder = identity(parent);
  if (folder === undefined) return isWithinText(realpathLoose(child), realpathLoose(parent));
  for (let at = path.resolve(child); ; at = path.dirname(at)) {
    const here = identity(at);
    if (here !== undefined && here.dev === folder.dev && here.ino === folder.ino) return true;
    if (path.dirname(at) === at) return false;
  }
}
