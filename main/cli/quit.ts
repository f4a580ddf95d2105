/**
 * Ways to ask the command line to stop: "quit" typed on stdin, SIGINT, SIGTERM, SIGHUP (the terminal was closed:
 * a sync under way finishes rather than dying half-way, as nohup would have it). The first request is polite
 * (a running sync finishes); any second request is forceful (the running sync is aborted). A closed or
 * missing stdin (CI, `< /dev/null`, a service) is not a request: the loop goes on until a signal arrives.
 */
import fs from 'node:fs';
import readline from 'node:readline';

export type QuitReason = 'quit' | 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Where signals arrive: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGCONT', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGCONT', listener: () => void): unknown;
}

export interface QuitHandlers {
  /** First request: finish what is running, then stop. */
  readonly onQuit: (reason: QuitReason) => void;
  /** Second request: stop now. */
  readonly onForce: (reason: QuitReason) => void;
}

export interface QuitListener {
  readonly requested: boolean;
  dispose(): void;
}

const QUIT_WORDS = new Set(['quit', 'exit', 'q']);
const JOB_CONTROL_POLL_MS = 500;

/**
 * Whether this process is in the terminal's foreground process group. A background job (`folder-sync … &`)
 * that reads its terminal is stopped by SIGTTIN, so it must not read until it is brought to the foreground.
 * Linux: fields 5 (pgrp) and 8 (tpgid) of /proc/self/stat. Elsewhere, assume the foreground.
 */
export function inForeground(): boolean {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[2] === fields[5];
  } catch {
    return true;
  }
}

export function listenForQuit(
  stdin: (NodeJS.ReadableStream & { readonly isTTY?: boolean }) | undefined,
  signals: SignalSource,
  handlers: QuitHandlers,
): QuitListener {
  let requests = 0;
  const request = (reason: QuitReason): void => {
    requests += 1;
    if (requests === 1) handlers.onQuit(reason);
    else if (requests === 2) handlers.onForce(reason);
  };
  const onSigint = (): void => request('SIGINT');
  const onSigterm = (): void => request('SIGTERM');
  const onSighup = (): void => request('SIGHUP');
  signals.on('SIGINT', onSigint);
  signals.on('SIGTERM', onSigterm);
  signals.on('SIGHUP', onSighup);

  let lines: readline.Interface | undefined;
  const startReading = (): void => {
    if (stdin === undefined || lines !== undefined) return;
    // terminal: false keeps the TTY in cooked mode, so Ctrl-C still reaches us as SIGINT rather than as a key.
    lines = readline.createInterface({ input: stdin, terminal: false });
    lines.on('line', (line) => {
      if (QUIT_WORDS.has(line.trim().toLowerCase())) request('quit');
    });
    // readline rethrows stream errors (EIO on a vanished terminal) unless someone listens: ignore, like EOF.
    stdin.on('error', () => {});
  };
  // A terminal is read only while we are its foreground job. `bg` sends SIGCONT, but `fg` of a job already
  // running in the background sends nothing, hence the cheap poll as well.
  let foreground: boolean | undefined;
  const followJobControl = (): void => {
    const now = inForeground();
    if (now === foreground) return;
    foreground = now;
    if (!now) stdin?.pause();
    else if (lines === undefined) startReading();
    else stdin?.resume();
  };
  const onSigcont = (): void => followJobControl();
  const tty = stdin?.isTTY === true;
  let poll: NodeJS.Timeout | undefined;
  if (tty) {
    signals.on('SIGCONT', onSigcont);
    followJobControl();
    poll = setInterval(followJobControl, JOB_CONTROL_POLL_MS);
    poll.unref();
  } else {
    startReading();
  }

  return {
    get requested() {
      return requests > 0;
    },
    dispose() {
      signals.off('SIGINT', onSigint);
      signals.off('SIGTERM', onSigterm);
      signals.off('SIGHUP', onSighup);
      if (tty) signals.off('SIGCONT', onSigcont);
      clearInterval(poll);
      lines?.close();
    },
  };
}
