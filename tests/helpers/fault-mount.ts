/** A small tmpfs for disk-full tests (root only: the kernel's tmpfs is the one file system that needs no image). */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export function tmpfsSupportMissing(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'mounting a tmpfs needs root';
}

export interface Tmpfs {
  readonly dir: string;
  dispose(): void;
}

export function mountTmpfs(dir: string, size: string): Tmpfs {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir]);
  return {
    dir,
    dispose() {
      execFileSync('umount', ['-l', dir]);
    },
  };
}
