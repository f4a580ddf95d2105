/**
 * Real exFAT, FAT32 and NTFS file systems for tests: a small image file, formatted and mounted with the FUSE
 * drivers (this kernel has no vfat/exfat module). Needs root, /dev/fuse and, for exFAT, a loop device; Debian
 * packages exfatprogs exfat-fuse fusefat dosfstools ntfs-3g (installed by .ci/run).
 *
 * `unmount()` leaves the mount point behind as an empty folder, as an unplugged drive does; `remount()` plugs
 * the same image back in. `dispose()` unmounts, detaches and deletes everything; a process exit hook does the
 * same for images a crashed test left mounted.
 */
import { execFile, execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export type ImageKind = 'exfat' | 'fat' | 'ntfs';
export const IMAGE_KINDS: readonly ImageKind[] = ['exfat', 'fat', 'ntfs'];

export interface MountedImage {
  readonly kind: ImageKind;
  /** The mount point: the drive's root while mounted, an empty folder on the parent file system when not. */
  readonly dir: string;
  readonly image: string;
  readonly mounted: boolean;
  unmount(): Promise<void>;
  remount(): Promise<void>;
  dispose(): Promise<void>;
}

const TOOLS: Record<ImageKind, readonly string[]> = {
  exfat: ['mkfs.exfat', 'losetup', 'mount.exfat-fuse', 'umount'],
  fat: ['mkfs.vfat', 'fusefat', 'umount'],
  ntfs: ['mkntfs', 'ntfs-3g', 'umount'],
};
const PACKAGES = 'exfatprogs exfat-fuse fusefat dosfstools ntfs-3g';
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const run = promisify(execFile);

/** Why images of this kind cannot be mounted here, or undefined when they can. */
export function imageSupportMissing(kind: ImageKind): string | undefined {
  if (!existsSync('/dev/fuse')) return '/dev/fuse is absent';
  if (process.getuid?.() !== 0) return 'mounting images needs root';
  const missing = TOOLS[kind].filter((tool) => findTool(tool) === undefined);
  if (missing.length > 0) return `${missing.join(', ')} not installed (apt-get install ${PACKAGES})`;
  return undefined;
}

function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':').filter((dir) => dir !== ''), ...SYSTEM_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function tool(name: string): string {
  const found = findTool(name);
  if (found === undefined) throw new Error(`${name} is not installed (apt-get install ${PACKAGES})`);
  return found;
}

async function exec(name: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run(tool(name), [...args], { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`${name} ${args.join(' ')} failed: ${stderr.trim() || String(error)}`);
  }
}

const FORMAT: Record<ImageKind, (image: string) => [string, string[]]> = {
  exfat: (image) => ['mkfs.exfat', [image]],
  fat: (image) => ['mkfs.vfat', ['-F', '32', image]],
  ntfs: (image) => ['mkntfs', ['-F', '-Q', image]],
};

const live = new Set<LiveImage>();

class LiveImage implements MountedImage {
  mounted = false;
  private loop: string | undefined;

  constructor(
    readonly kind: ImageKind,
    readonly dir: string,
    readonly image: string,
    private readonly base: string,
  ) {}

  async remount(): Promise<void> {
    if (this.mounted) throw new Error(`${this.dir} is already mounted`);
    if (this.kind === 'exfat') {
      // exfat-fuse mounts as fuseblk, which needs a block device.
      this.loop = (await exec('losetup', ['-f', '--show', this.image])).trim();
      await exec('mount.exfat-fuse', [this.loop, this.dir]).catch(async (error: unknown) => {
        await this.detach();
        throw error;
      });
    } else if (this.kind === 'fat') {
      await exec('fusefat', ['-o', 'rw+', this.image, this.dir]);
    } else {
      await exec('ntfs-3g', [this.image, this.dir]);
    }
    this.mounted = true;
    live.add(this);
  }

  async unmount(): Promise<void> {
    if (!this.mounted) return;
    await exec('umount', [this.dir]);
    this.mounted = false;
    // umount of a plain `fuse` mount returns before the driver has flushed the image: wait for it to exit, or a
    // remount would run two drivers on one image.
    await waitForDriverExit(this.dir);
    await this.detach();
  }

  async dispose(): Promise<void> {
    try {
      await this.unmount();
    } catch (error) {
      // Busy (a test left a file open): detach lazily, and keep the folder rather than delete through a mount.
      this.emergencyCleanup();
      live.delete(this);
      throw error;
    }
    live.delete(this);
    await fs.rm(this.base, { recursive: true, force: true });
  }

  private async detach(): Promise<void> {
    if (this.loop === undefined) return;
    const loop = this.loop;
    this.loop = undefined;
    await exec('losetup', ['-d', loop]);
  }

  /** Last resort (process exit, a busy mount): lazy unmount and detach, synchronously, never throwing. */
  emergencyCleanup(): void {
    const quiet = { stdio: 'ignore' as const };
    try {
      if (this.mounted) execFileSync(tool('umount'), ['-l', this.dir], quiet);
      this.mounted = false;
      if (this.loop !== undefined) execFileSync(tool('losetup'), ['-d', this.loop], quiet);
      this.loop = undefined;
    } catch {
      // nothing more can be done here
    }
  }
}

process.once('exit', () => {
  for (const image of live) image.emergencyCleanup();
});

/**
 * Formats a fresh image of `kind` in a temp folder and mounts it at `<temp>/<mountName>`. FAT32 needs at least
 * 33 MiB. A space in `mountName` exercises mountinfo's escapes.
 */
export async function mountImage(kind: ImageKind, sizeMiB = 64, mountName = 'drive'): Promise<MountedImage> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), `folder-sync-${kind}-`));
  const image = path.join(base, `${kind}.img`);
  const dir = path.join(base, mountName);
  try {
    await fs.mkdir(dir);
    await fs.writeFile(image, '');
    await fs.truncate(image, sizeMiB * 1024 * 1024);
    const [formatter, args] = FORMAT[kind](image);
    await exec(formatter, args);
    const mounted = new LiveImage(kind, dir, image, base);
    await mounted.remount();
    return mounted;
  } catch (error) {
    await fs.rm(base, { recursive: true, force: true });
    throw error;
  }
}

/** Waits (at most 10 s) until no live process has `dir` among its arguments: the FUSE driver has exited. */
async function waitForDriverExit(dir: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (driverRunning(dir)) {
    if (Date.now() > deadline) throw new Error(`the FUSE driver for ${dir} did not exit within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function driverRunning(dir: string): boolean {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      // A zombie's cmdline is empty, so exited drivers nobody reaped do not count.
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (args.includes(dir)) return true;
    } catch {
      // the process ended while we looked
    }
  }
  return false;
}
