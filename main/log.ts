/**
 * The operation log: one file, `folder-sync.log` in the chosen log folder, one line per operation plus each
 * run's start and summary lines. Written through electron-log's plain-Node entry so the CLI (on Node) and the
 * tray app (in Electron's main process) share it.
 */
import fs from 'node:fs';
import path from 'node:path';
import electronLog from 'electron-log/node.js';
import { ConfigError, type RunSummary, type SyncEvent } from './engine/index.js';
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
  close(): void;
}

/**
 * One electron-log logger per log file, kept for the life of the process: electron-log registers every
 * logger it creates in a static table and never lets go, and the tray opens the log once per run.
 */
const loggers = new Map<string, ElectronLogger>();

type ElectronLogger = ReturnType<typeof electronLog.create>;

function loggerFor(file: string): ElectronLogger {
  const known = loggers.get(file);
  if (known !== undefined) return known;
  const logger = electronLog.create({ logId: `folder-sync-operations-${loggers.size + 1}` });
  logger.transports.console.level = false;
  const transport = logger.transports.file;
  transport.resolvePathFn = () => file;
  // Lines carry their own timestamps (see stamp()): one write holds a batch of them.
  transport.format = '{text}';
  transport.maxSize = MAX_LOG_BYTES;
  // Synchronous appends: a line is on disk when write() returns, so a killed process loses no operation.
  transport.sync = true;
  loggers.set(file, logger);
  return logger;
}

/**
 * Creates the log folder if needed and proves the file can be appended to, so a bad log folder is a
 * ConfigError (exit code 2) before any run starts rather than a stream of write errors later.
 */
export function prepareLogFile(logDir: string): string {
  const file = path.join(logDir, LOG_FILE_NAME);
  try {
    fs.mkdirSync(logDir, { recursive: true });
  } catch (error) {
    throw new ConfigError(`Cannot create the log folder "${logDir}": ${describeFsError(error)}.`);
  }
  try {
    fs.closeSync(fs.openSync(file, 'a'));
  } catch (error) {
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
    default:
      return error instanceof Error ? error.message : String(error);
  }
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

/** A run of 100,000 copies logs 100,000 lines: written in batches, not one append each (11 µs a line). */
const BATCH_LINES = 500;
const BATCH_MS = 200;

export function createOperationLog(logDir: string): OperationLog {
  const file = prepareLogFile(logDir);
  const logger = loggerFor(file);

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
    close() {
      flush();
      closed = true;
    },
  };
}
