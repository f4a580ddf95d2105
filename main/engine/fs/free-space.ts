/**
 * Room on the replica for one copy, asked of its file system (statfs) before the copy writes a byte. A file larger
 * than the free space would otherwise fill the drive, fail with ENOSPC at the end, stop the run and be removed —
 * and the next run would do it all again. Such a file is left out with one sentence saying its size and the free
 * space, and the other files are copied.
 */
import fs from 'node:fs';
import { formatBytes } from '../format-bytes.js';

/**
 * statfs f_type of the file systems that keep a file's holes as holes (ext2/3/4, xfs, btrfs, tmpfs, f2fs, the
 * kernel's ntfs3): there a sparse copy takes only its data. FAT, exFAT and FUSE drives allocate every byte.
 */
const KEEPS_HOLES = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0xf2f52010, 0x7366746e]);

/** What a folder's file system has free for this user (f_bavail: root's reserve is left to root's own needs). */
export interface Room {
  readonly free: number;
  readonly keepsHoles: boolean;
}

/** The room on the file system of an open folder (through its descriptor: the folder itself, never a path to it). */
export function roomAt(folderFd: number): Room {
  const stat = fs.statfsSync(`/proc/self/fd/${folderFd}`);
  // A file system that gives no size at all (fusefat on FAT32 says 0 blocks, 0 free) does not know its free space:
  // the copy is tried, and a drive that is really full stops the run with ENOSPC as before.
  if (stat.blocks === 0) return { free: Number.POSITIVE_INFINITY, keepsHoles: false };
  return { free: stat.bavail * stat.bsize, keepsHoles: KEEPS_HOLES.has(stat.type) };
}

/** The bytes a copy of a file takes: its allocated blocks where holes stay holes (a sparse file), else its size. */
export function bytesNeeded(size: number, allocated: number, room: Room): number {
  return room.keepsHoles ? Math.min(size, allocated) : size;
}

/** The sentence for a file that does not fit, or undefined when it does. */
export function noRoomFor(size: number, needed: number, room: Room): string | undefined {
  if (needed <= room.free) return undefined;
  const what = needed === size ? formatBytes(size) : `${formatBytes(needed)} of data (${formatBytes(size)} with its holes)`;
  return `not copied: it takes ${what} and the replica's drive has ${formatBytes(room.free)} free`;
}
