/**
 * While a pair's drive is unplugged, the loop checks cheaply (a stat walk up the path and one read of
 * /proc/self/mountinfo) whether the path lies on its drive again, so a drive plugged in mid-interval is synced
 * within the check period instead of at the next interval.
 */
import { mountOf } from '../engine/index.js';

export const DRIVE_CHECK_MS = 10_000;

export interface DriveWait {
  stop(): void;
}

/** Calls `onBack` once `target` lies on `mountPoint` again; checks every `periodMs` until then or until stopped. */
export function waitForDrive(target: string, mountPoint: string, onBack: () => void, periodMs = DRIVE_CHECK_MS): DriveWait {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const check = async (): Promise<void> => {
    const mount = await mountOf(target).catch(() => undefined);
    if (stopped) return;
    if (mount?.mountPoint === mountPoint) {
      stopped = true;
      onBack();
      return;
    }
    timer = setTimeout(() => void check(), periodMs);
    timer.unref();
  };
  timer = setTimeout(() => void check(), periodMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
