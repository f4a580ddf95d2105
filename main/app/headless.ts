/**
 * Whether the app was started as the command line (`--source … --replica … --interval … --log-dir …`) and,
 * if so, the arguments for runCli. Pure, so the decision is tested without Electron.
 */

const CLI_FLAG = /^(?:--(?:source|source-dir|replica|replica-dir|interval|log-dir)(?:=|$)|-[sril])/;

/**
 * Switches Chromium or a launcher may add (an AppImage is often started with --no-sandbox); they are for
 * Electron, and runCli would reject them as unknown options.
 */
const CHROMIUM_SWITCH = /^--(?:no-sandbox|disable-gpu(?:-sandbox)?|in-process-gpu|enable-logging|ozone-platform(?:-hint)?=.*|(?:enable|disable)-features=.*|disable-dev-shm-usage|inspect(?:-brk)?(?:=.*)?|remote-debugging-port=.*)$/;

/** `userArgs` is argv after the executable (and, unpackaged, after the app path). */
export function headlessArgs(userArgs: readonly string[]): string[] | null {
  if (!userArgs.some((arg) => CLI_FLAG.test(arg))) return null;
  return userArgs.filter((arg) => !CHROMIUM_SWITCH.test(arg));
}

type QuitSignal = 'SIGINT' | 'SIGTERM';

interface SignalEmitter {
  on(event: QuitSignal, listener: () => void): unknown;
}

/**
 * The quit requests runCli listens to, for the Electron app: the process's own signals plus Electron's
 * `before-quit` (which Electron raises itself on some exits). A request seen through both paths within a
 * moment is counted once, because runCli takes a second request as "abort the running sync".
 */
export function headlessQuitSignals(proc: SignalEmitter, onBeforeQuit: (request: () => void) => void, dedupMs = 500) {
  const listeners = new Map<QuitSignal, Set<() => void>>([
    ['SIGINT', new Set()],
    ['SIGTERM', new Set()],
  ]);
  let lastAt = Number.NEGATIVE_INFINITY;
  const deliver = (signal: QuitSignal): void => {
    const now = Date.now();
    if (now - lastAt < dedupMs) return;
    lastAt = now;
    for (const listener of listeners.get(signal) ?? []) listener();
  };
  proc.on('SIGINT', () => deliver('SIGINT'));
  proc.on('SIGTERM', () => deliver('SIGTERM'));
  onBeforeQuit(() => deliver('SIGTERM'));
  return {
    on(signal: QuitSignal, listener: () => void) {
      listeners.get(signal)?.add(listener);
    },
    off(signal: QuitSignal, listener: () => void) {
      listeners.get(signal)?.delete(listener);
    },
  };
}
