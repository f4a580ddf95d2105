/**
 * Which mounted file system a path lives on, as /proc/self/mountinfo shows it. The record keeps the replica's
 * mount point: device names change between plug-ins (sdb1 one day, sdc1 the next) but the mount point does not,
 * and an unplugged drive shows up as the replica (or the folder it would be created in) now lying on the parent
 * mount: the empty mount point left behind, or no mount point at all.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** One line of mountinfo (proc(5)); paths unescaped. */
export interface MountEntry {
  readonly mountId: number;
  readonly parentId: number;
  /** major:minor of the device; changes between plug-ins, so never used as identity. */
  readonly device: string;
  /** The folder of the mounted file system that appears at the mount point (not '/' for bind mounts). */
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

/** What the record remembers about the replica's file system. Compare by `mountPoint`. */
export interface MountIdentity {
  readonly mountPoint: string;
  /** e.g. 'ext4', 'fuseblk' (exfat-fuse, ntfs-3g on a device), 'fuse.fusefat', 'exfat', 'vfat'. */
  readonly fsType: string;
  readonly source: string;
}

/**
 * Parses mountinfo text. Lines look like
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`: a variable number of
 * optional fields ends at the lone '-'. Malformed lines are skipped rather than failing the whole answer.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    if (separator < 0 || fields.length < separator + 3) continue;
    const [mountId, parentId, device, root, mountPoint] = fields;
    const fsType = fields[separator + 1];
    const source = fields[separator + 2];
    if (root === undefined || mountPoint === undefined || fsType === undefined || source === undefined) continue;
    entries.push({
      mountId: Number(mountId),
      parentId: Number(parentId),
      device: device ?? '',
      root: unescapeOctal(root),
      mountPoint: unescapeOctal(mountPoint),
      fsType: unescapeOctal(fsType),
      source: unescapeOctal(source),
    });
  }
  return entries;
}

/** The kernel writes space, tab, newline and backslash in paths as `\040`, `\011`, `\012`, `\134`. */
export function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/**
 * The mount an absolute, symlink-free path lies on: the longest mount point that is the path or one of its
 * ancestors. When one mount point is mounted over another, the later line is the one on top.
 */
export function findMount(entries: readonly MountEntry[], realPath: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const entry of entries) {
    if (!isAtOrBelow(realPath, entry.mountPoint)) continue;
    if (best === undefined || entry.mountPoint.length >= best.mountPoint.length) best = entry;
  }
  return best;
}

function isAtOrBelow(target: string, dir: string): boolean {
  if (dir === '/') return true;
  return target === dir || (target.startsWith(dir) && target.charCodeAt(dir.length) === 47);
}

/**
 * The mount `target` lies on; for a missing path, the mount of its nearest existing ancestor (where it would be
 * created). A path that cannot be examined at all (a dead FUSE mount answers ENOTCONN) counts as missing too: its
 * drive is as good as unplugged. Throws only when mountinfo cannot be read.
 */
export async function mountOf(target: string, mountInfoPath = '/proc/self/mountinfo'): Promise<MountIdentity> {
  const real = await fs.realpath(await nearestExisting(path.resolve(target)));
  const entry = findMount(parseMountInfo(await fs.readFile(mountInfoPath, 'utf8')), real);
  if (entry === undefined) throw new Error(`no mount found for ${real} in ${mountInfoPath}`);
  return { mountPoint: entry.mountPoint, fsType: entry.fsType, source: entry.source };
}

/** Whether a folder (a byte path) is the root of a mounted file system: its parent lies on another device. */
export async function isMountRoot(dir: Buffer): Promise<boolean> {
  try {
    const [self, parent] = await Promise.all([fs.lstat(dir), fs.lstat(Buffer.concat([dir, Buffer.from('/..')]))]);
    return self.dev !== parent.dev;
  } catch {
    return false;
  }
}

/** The path itself if it can be stat'ed, else its closest ancestor that can ('/' always can). */
export async function nearestExisting(absolute: string): Promise<string> {
  let current = absolute;
  for (;;) {
    try {
      await fs.stat(current);
      return current;
    } catch (error) {
      const parent = path.dirname(current);
      if (parent === current) throw error;
      current = parent;
    }
  }
}
