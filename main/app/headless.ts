/**
 * Whether the app was started as the command line (`--source … --replica …`, `--help`, `--version`, any option
 * at all) and, if so, the arguments for runCli. Pure, so the decision is tested without Electron.
 */

/**
 * Switches Chromium or a launcher may add (an AppImage is often started with --no-sandbox); they are for
 * Electron, and runCli would reject them as unknown options.
 */
const CHROMIUM_SWITCH = /^--(?:no-sandbox|disable-gpu(?:-sandbox)?|in-process-gpu|enable-logging|ozone-platform(?:-hint)?=.*|(?:enable|disable)-features=.*|disable-dev-shm-usage|inspect(?:-brk)?(?:=.*)?|remote-debugging-port=.*)$/;

/**
 * `userArgs` is argv after the executable (and, unpackaged, after the app path). Any option left once Chromium's
 * switches are dropped makes it the command line: the packaged executable is the one users type as
 * `folder-sync --help`, and an option the CLI does not know is better refused in one sentence than ignored by a
 * tray. Arguments that are not options (a launcher's `%U` file list) leave it the tray app.
 */
export function headlessArgs(userArgs: readonly string[]): string[] | null {
  const args = userArgs.filter((arg) => !CHROMIUM_SWITCH.test(arg));
  if (!args.some((arg) => arg.startsWith('-') && arg !== '-')) return null;
  return args;
}

type QuitSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

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
    ['SIGHUP', new Set()],
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
  // The terminal that started it closed: as the CLI under plain Node does, finish the running sync, then exit.
  proc.on('SIGHUP', () => deliver('SIGHUP'));
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
