/**
 * Whether two folders given by the user overlap — the same folder, or one inside the other — however the paths are
 * spelled: through symlinks, `..`, and bind mounts. A bind mount shows a folder at a second place, which neither a
 * comparison of path strings nor the ancestors of the path as typed can see (`mount --bind replica source/rep` put
 * the replica inside the source, and every run mirrored the source into itself again). So a folder is first found
 * at every place it can be reached: its real path, and each mount of its file system whose `root` (the subtree the
 * mount shows, /proc/self/mountinfo) holds it. It is inside another folder when one of those places has the other's
 * device and inode for itself or an ancestor. The one check for the CLI, the app and the engine. Host paths (as
 * typed), not the engine's byte strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseMountInfo, type MountEntry } from './mounts.js';

/** Linux's O_PATH (x86-64 and arm64), which Node's constants lack: pins a folder without needing to read it. */
const O_PATH = 0o10000000;

/** realpath of the path, or of its nearest existing ancestor joined with the rest: for messages and string fallbacks. */
export function realpathLoose(target: string): string {
  const { real, missing } = resolveLoose(target);
  return missing === '' ? real : path.join(real, missing);
}

/** The real path of the nearest existing ancestor-or-self, and what lies below it that does not exist (yet). */
function resolveLoose(target: string): { real: string; missing: string } {
  const missing: string[] = [];
  let current = path.resolve(target);
  for (;;) {
    try {
      return { real: fs.realpathSync(current), missing: path.join(...missing.reverse(), '') };
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return { real: path.resolve(target), missing: '' };
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

function readMounts(): readonly MountEntry[] {
  try {
    return parseMountInfo(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return []; // no /proc: the real path alone is known
  }
}

/** `target` is `dir` or lies below it, both absolute and normalised. */
function isAtOrBelow(target: string, dir: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The mount an existing real path is seen through: asked of the kernel (fdinfo's mnt_id), else the longest mount point holding it. */
function mountHolding(real: string, mounts: readonly MountEntry[]): MountEntry | undefined {
  try {
    const fd = fs.openSync(real, O_PATH);
    try {
      const id = /^mnt_id:\s*(\d+)$/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      const entry = id === undefined ? undefined : mounts.find((m) => m.mountId === Number(id));
      if (entry !== undefined) return entry;
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // fall through to the path
  }
  let best: MountEntry | undefined;
  for (const m of mounts) if (isAtOrBelow(real, m.mountPoint) && (best === undefined || m.mountPoint.length >= best.mountPoint.length)) best = m;
  return best;
}

/**
 * Every absolute path at which `target` (or, for a path that does not exist yet, the place it would be made) can be
 * reached: its real path first, then one per other mount of the same file system that shows it.
 */
export function reachablePaths(target: string, mounts: readonly MountEntry[] = readMounts()): string[] {
  const { real, missing } = resolveLoose(target);
  const places = new Set([real]);
  const holding = mountHolding(real, mounts);
  if (holding !== undefined && !holding.root.endsWith('//deleted')) {
    // Where the folder lies within its file system, then wherever a mount of that file system shows that place.
    const inFileSystem = path.join(holding.root, path.relative(holding.mountPoint, real));
    for (const m of mounts) {
      if (m.device !== holding.device || !isAtOrBelow(inFileSystem, m.root)) continue;
      places.add(path.join(m.mountPoint, path.relative(m.root, inFileSystem)));
    }
  }
  return [...places].map((place) => (missing === '' ? place : path.join(place, missing)));
}

/** Whether one of the places, or an ancestor of one, is the folder `parent` (by device and inode). */
function reachesInto(places: readonly string[], parent: fs.Stats): boolean {
  for (const place of places) {
    for (let at = place; ; at = path.dirname(at)) {
      const here = identity(at);
      if (here !== undefined && here.dev === parent.dev && here.ino === parent.ino) return true;
      if (path.dirname(at) === at) break;
    }
  }
  return false;
}

function placeInside(child: string, parent: string, mounts: readonly MountEntry[]): string | undefined {
  const places = reachablePaths(child, mounts);
  const folder = identity(parent);
  if (folder !== undefined) return places.find((place) => reachesInto([place], folder));
  // A folder that does not exist yet holds nothing but what its path does: compare the places as text.
  const parentPlaces = reachablePaths(parent, mounts);
  return places.find((place) => parentPlaces.some((dir) => isAtOrBelow(place, dir)));
}

/** `child` is `parent` itself or lies below it, through any spelling or bind mount. */
export function isSameOrInside(child: string, parent: string): boolean {
  return placeInside(child, parent, readMounts()) !== undefined;
}

/** How two folders overlap, and where the one inside was found (a path through a bind mount, or its real path). */
export type Overlap =
  | { readonly kind: 'same' }
  | { readonly kind: 'first-inside'; readonly at: string }
  | { readonly kind: 'second-inside'; readonly at: string };

/** undefined when neither folder is the other or inside it; mountinfo is read once for both questions. */
export function overlapOf(first: string, second: string): Overlap | undefined {
  const mounts = readMounts();
  const firstAt = placeInside(first, second, mounts);
  const secondAt = placeInside(second, first, mounts);
  if (firstAt !== undefined && secondAt !== undefined) return { kind: 'same' };
  if (firstAt !== undefined) return { kind: 'first-inside', at: firstAt };
  if (secondAt !== undefined) return { kind: 'second-inside', at: secondAt };
  return undefined;
}
