/**
 * The operation log: one file, `folder-sync.log` in the chosen log folder, one line per operation plus each
 * run's start and summary lines. Written through electron-log's core Logger so the CLI (on Node) and the tray
 * app (in Electron's main process) share it. Not through its Node entry: that builds console, file, IPC and remote
 * transports this log never uses (loading http and https, looking for a package.json), a cost every command-line
 * run paid at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'electron-log';
import CoreLogger from 'electron-log/src/core/Logger.js';
import { ConfigError, type RunSummary, type SyncEvent } from './engine/index.js';
import { appendToLog, NotARegularLogFile, openLogFile } from './log-file.js';
import { makeFolder } from './shared/make-folder.js';
import { actionLine, escapeControls, eventLine, summaryLine } from './shared/log-format.js';

export const LOG_FILE_NAME = 'folder-sync.log';

/** electron-log rotates to `folder-sync.old.log` past this size, so a years-long loop cannot fill the disk. */
const MAX_LOG_BYTES = 64 * 1024 * 1024;

export interface OperationLog {
  /** Full path of the log file. */
  readonly file: string;
  write(event: SyncEvent): void;
  /** `aborted`: the run was stopped part-way (a second Ctrl-C, the app quitting hard). */
  writeSummary(summary: RunSummary, aborted?: boolean): void;
  /** A free-form line (the CLI's own notes: quit requested, watcher stopped). */
  note(text: string): void;
  /** The first reason a line could not be written, if one could not: the log is then incomplete. */
  readonly failure: string | undefined;
  close(): void;
}

/** Called once, at the first line that could not be written, with a sentence naming the file and the cause. */
export type LogFailureListener = (sentence: string) => void;

/**
 * One electron-log logger per log file, kept for the life of the process: electron-log registers every
 * logger it creates in a static table and never lets go, and the tray opens the log once per run.
 */
const loggers = new Map<string, LoggerEntry>();

interface LoggerEntry {
  readonly logger: Logger;
  /** The open OperationLogs of this file: each hears of a line that could not be written. */
  readonly listeners: Set<(error: unknown) => void>;
}

/** electron-log's hook for an error inside a transport; left out of its type declarations. */
type WithInternalErrors = Logger & { processInternalErrorFn: (error: unknown) => void };

/**
 * electron-log's own file transport opens the log by its path at every write, following a symlink and waiting on a
 * FIFO there; lines go to the file through log-file.ts instead, which writes only to a regular file it checked.
 */
function fileTransport(file: string): Logger['transports'][string] {
  const write = (message: { data: unknown[] }): void => {
    appendToLog(file, `${message.data.map(String).join(' ')}\n`, MAX_LOG_BYTES);
  };
  return Object.assign(write, { level: 'silly' as const, transforms: [] }) as unknown as Logger['transports'][string];
}

function loggerFor(file: string): LoggerEntry {
  const known = loggers.get(file);
  if (known !== undefined) return known;
  const logger = new CoreLogger({ logId: `folder-sync-operations-${loggers.size + 1}` });
  const listeners = new Set<(error: unknown) => void>();
  // A line that could not be written is thrown by the transport; electron-log hands it here.
  (logger as WithInternalErrors).processInternalErrorFn = (error: unknown): void => {
    for (const listener of listeners) listener(error);
  };
  logger.transports.operations = fileTransport(file);
  const entry = { logger, listeners };
  loggers.set(file, entry);
  return entry;
}

/**
 * Creates the log folder if needed and proves the file can be appended to, so a bad log folder or log file is a
 * ConfigError (exit code 2) before any run starts rather than a stream of write errors later. Anything but a
 * regular file at the log's name (a symlink, a FIFO, a folder) is refused, untouched.
 */
export function prepareLogFile(logDir: string): string {
  const file = path.join(logDir, LOG_FILE_NAME);
  try {
    makeFolder(logDir);
  } catch (error) {
    throw new ConfigError(`Cannot create the log folder "${logDir}": ${describeFsError(error)}.`);
  }
  try {
    fs.closeSync(openLogFile(file));
  } catch (error) {
    if (error instanceof NotARegularLogFile) {
      throw new ConfigError(`The log file "${file}" is ${error.found}, not a regular file: refusing to write the log there.`);
    }
    throw new ConfigError(`Cannot write the log file in "${logDir}": ${describeFsError(error)}.`);
  }
  return file;
}

/** An fs error as a few plain words for a sentence about a folder the user named. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a file is in the way';
    case 'EEXIST':
      return 'a file of that name exists';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'ENOENT':
      return 'the file system there does not allow it (ENOENT)';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** A failed write as a cause: Node's "ENOSPC: no space left on device, write" reads "no space left on device (ENOSPC)". */
function describeLogError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const errnoText = /\b(E[A-Z]+): ([^,]+)/.exec(text);
  return errnoText === null ? text : `${errnoText[2]} (${errnoText[1]})`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `[2026-11-25 09:03:30.123] ` in local time, as electron-log's own format would write it. */
function stamp(date: Date): string {
  return `[${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}] `;
}

let stampedAt = -1;
let stamped = '';

/** stamp() of now, made once per millisecond: most lines of a busy run share their millisecond with others. */
function stampNow(): string {
  const now = Date.now();
  if (now !== stampedAt) {
    stampedAt = now;
    stamped = stamp(new Date(now));
  }
  return stamped;
}

/** A first mirror logs a line per file: written in batches, not one append (a system call) each. */
const BATCH_LINES = 500;
const BATCH_MS = 200;

export function createOperationLog(logDir: string, onFailure?: LogFailureListener): OperationLog {
  const file = prepareLogFile(logDir);
  const { logger, listeners } = loggerFor(file);
  let failure: string | undefined;
  const failed = (error: unknown): void => {
    if (failure !== undefined) return;
    failure = `cannot write the log file "${file}": ${describeLogError(error)}; the log of this run is incomplete`;
    onFailure?.(failure);
  };
  listeners.add(failed);

  let closed = false;
  let dryRun = false;
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join('\n');
    pending = [];
    logger.info(text);
  };
  // Errors, warnings and run boundaries are written at once; plain operations at most BATCH_MS later.
  const line = (level: 'info' | 'warn' | 'error', text: string): void => {
    if (closed) return;
    pending.push(stampNow() + text);
    if (level !== 'info' || pending.length >= BATCH_LINES) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, BATCH_MS);
      timer.unref();
    }
  };

  return {
    file,
    write(event) {
      if (event.type === 'start') dryRun = event.dryRun;
      // A dry run performs nothing, so its plan is what gets recorded, marked as such.
      if (event.type === 'plan' && dryRun) {
        for (const action of event.actions) line('info', `would   ${actionLine(action)}`);
        return;
      }
      const text = eventLine(event);
      if (text === undefined) return;
      const level = event.type === 'warning' ? 'warn' : event.type === 'op' && event.op === 'error' ? 'error' : 'info';
      line(level, text);
      if (event.type === 'start') flush();
    },
    writeSummary(summary, aborted = false) {
      line(summary.status === 'ok' && !aborted ? 'info' : 'warn', summaryLine(summary, aborted));
      flush();
    },
    note(text) {
      line('info', `note    ${escapeControls(text)}`);
      flush();
    },
    get failure() {
      return failure;
    },
    close() {
      flush();
      closed = true;
      listeners.delete(failed);
    },
  };
}
