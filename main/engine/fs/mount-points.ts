/**
 * The mount points below an open folder, for the JavaScript scan (the native one asks statx for each folder's mount
 * id). st_dev alone misses a bind mount of a folder of the same file system, so the scan also asks this list, made
 * once per scan from /proc/self/mountinfo: nothing is paid per folder, and nothing at all where no mount lies below.
 * A list of paths can go stale during a scan only by a mount or unmount, which only root can make.
 */
import fs from 'node:fs';
import { parseMountInfo } from './mounts.js';

const NONE: ReadonlySet<string> = new Set();

/**
 * Relative byte-string paths of every mount point strictly below the folder open as `dirFd`. Empty when it cannot
 * be told (no /proc): the scan then still stops at other devices.
 */
export function mountPointsBelow(dirFd: number, mountInfoPath = '/proc/self/mountinfo'): ReadonlySet<string> {
  let root: string;
  let text: string;
  try {
    // The kernel's own name of the open folder, in the same namespace and spelling as mountinfo's mount points.
    root = fs.readlinkSync(`/proc/self/fd/${dirFd}`, { encoding: 'buffer' }).toString('latin1');
    text = fs.readFileSync(mountInfoPath).toString('latin1');
  } catch {
    return NONE;
  }
  const prefix = root.endsWith('/') ? root : `${root}/`;
  const below = new Set<string>();
  for (const entry of parseMountInfo(text)) {
    if (entry.mountPoint.length > prefix.length && entry.mountPoint.startsWith(prefix)) below.add(entry.mountPoint.slice(prefix.length));
  }
  return below.size === 0 ? NONE : below;
}
