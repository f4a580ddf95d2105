/**
 * A replica on a file system mounted read-only (a drive the kernel remounted after errors, a locked card): every
 * write of the run would fail one by one. It is said once instead, before the run, and the run is not started
 * (exit code 1: the pair is right, the drive is not writable now; the loop tries again at the next interval).
 * Only EROFS: a folder the user may not write is reported entry by entry, and an empty mount point left by an
 * unplugged drive is the engine's to recognise and wait for.
 */
import fs from 'node:fs';

export function readOnlyReplicaProblem(replica: string): string | undefined {
  try {
    fs.accessSync(replica, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EROFS') return undefined;
    return `The replica "${replica}" is on a read-only file system: nothing was synced.`;
  }
}
