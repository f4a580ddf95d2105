/**
 * The headless front end: parse, validate everything, then one run (--once, --dry-run) or the periodic
 * loop until quit. Returns the exit code instead of exiting, so the Electron app can run it too.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ExitCode } from '../shared/exit-codes.js';
import { ConfigError, isSameOrInside, type RunSummary, runSync, type ScansAhead, type SyncOptions, validatePair } from '../engine/index.js';
import { PairRunner } from '../runner/pair-runner.js';
import { watchForChanges } from '../runner/watch.js';
import { describeInterval } from '../shared/interval.js';
import { createOperationLog, describeFsError, type OperationLog } from '../log.js';
import { escapeControls, formatDuration } from '../shared/log-format.js';
import { HELP_TEXT, parseCliArgs, UsageError, type CliConfig } from './args.js';
import { ConsoleReporter, timestamp, type TextSink } from './console-reporter.js';
import { listenForQuit, type SignalSource } from './quit.js';
import { readVersion } from './version.js';

export interface CliIo {
  readonly stdout: TextSink & { readonly isTTY?: boolean };
  readonly stderr: TextSink;
  /** Where "quit" may be typed; undefined for none. */
  readonly stdin?: NodeJS.ReadableStream;
  readonly signals?: SignalSource;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  readonly homedir?: string;
}

/** With --watch, how long the source must stay quiet before an early run. */
export const WATCH_QUIET_MS = 2000;
/** After a second Ctrl-C, how long to wait for the aborted run to stop between operations. */
const ABORT_GRACE_MS = 2000;

function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signals: process };
}

function exitCodeFor(summary: RunSummary): number {
  switch (summary.status) {
    case 'ok':
      return ExitCode.Ok;
    case 'partial':
      return ExitCode.PartialFailure;
    case 'refused':
      return ExitCode.Refused;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function syncOptionsOf(config: CliConfig): SyncOptions {
  return {
    source: config.source,
    replica: config.replica,
    stateDir: config.stateDir,
    checksum: config.checksum,
    excludes: config.excludes,
    dryRun: config.dryRun,
    allowEmptySource: config.allowEmptySource,
    ...(config.maxDelete === undefined ? {} : { maxDelete: config.maxDelete }),
    ...(config.modifyWindowMs === undefined ? {} : { modifyWindowMs: config.modifyWindowMs }),
    ...(config.trash === undefined ? {} : { trash: config.trash }),
  };
}

/** Everything that can be wrong with the configuration, checked before the first run touches anything. */
async function validate(config: CliConfig, reporter: ConsoleReporter): Promise<OperationLog> {
  await validatePair(syncOptionsOf(config));
  // The mirror deletes whatever the source lacks: a log or record inside the replica would be wiped each run.
  if (isSameOrInside(config.logDir, config.replica)) {
    throw new ConfigError(`The log folder "${config.logDir}" is inside the replica "${config.replica}": the mirror would delete it.`);
  }
  if (isSameOrInside(config.stateDir, config.replica)) {
    throw new ConfigError(`The state folder "${config.stateDir}" is inside the replica "${config.replica}": the mirror would delete it.`);
  }
  const log = createOperationLog(config.logDir);
  // A dry run writes no record, so it needs no state folder (and creates none).
  if (!config.dryRun) {
    try {
      fs.mkdirSync(config.stateDir, { recursive: true });
      fs.accessSync(config.stateDir, fs.constants.W_OK);
    } catch (error) {
      log.close();
      throw new ConfigError(`Cannot use the state folder "${config.stateDir}": ${describeFsError(error)}.`);
    }
  }
  if (config.watch && isSameOrInside(config.logDir, config.source)) {
    reporter.err('warning: the log folder is inside the source, so every run changes the source and --watch will keep syncing.');
  }
  return log;
}

function watcherProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the inotify watch limit is reached (raise fs.inotify.max_user_watches)';
  if (code === 'EMFILE') return 'too many open files';
  return messageOf(error);
}

/** `ahead`: the scans of the first run, already started (scan-ahead.ts). */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), ahead?: ScansAhead): Promise<number> {
  const reporterBase = { stdout: io.stdout, stderr: io.stderr, stdoutIsTty: io.stdout.isTTY === true };
  let config: CliConfig;
  try {
    const command = parseCliArgs(argv, {
      cwd: io.cwd ?? process.cwd(),
      env: io.env ?? process.env,
      homedir: io.homedir ?? os.homedir(),
    });
    if (command.kind === 'help') {
      io.stdout.write(HELP_TEXT);
      return ExitCode.Ok;
    }
    if (command.kind === 'version') {
      io.stdout.write(`folder-sync ${readVersion()}\n`);
      return ExitCode.Ok;
    }
    config = command.config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`folder-sync: ${error.message}\n`);
    return ExitCode.Usage;
  }

  const reporter = new ConsoleReporter({ ...reporterBase, verbose: config.verbose });
  let log: OperationLog;
  try {
    log = await validate(config, reporter);
  } catch (error) {
    // Errno failures here come from folders the user named (unreadable, vanished): configuration, not bugs.
    if (!(error instanceof ConfigError) && (error as NodeJS.ErrnoException | undefined)?.code === undefined) throw error;
    reporter.err(`folder-sync: ${escapeControls(messageOf(error))}`);
    return ExitCode.Usage;
  }
  try {
    return await new Session(config, reporter, log, io, ahead).run();
  } finally {
    log.close();
  }
}

/** One invocation after validation: the run(s) of the pair (main/runner/pair-runner.ts) and the quit requests. */
class Session {
  private readonly runner: PairRunner;
  private lastCode: number = ExitCode.Ok;
  private forced!: () => void;
  private readonly forcedPromise = new Promise<void>((resolve) => {
    this.forced = resolve;
  });

  constructor(
    private readonly config: CliConfig,
    private readonly reporter: ConsoleReporter,
    private readonly log: OperationLog,
    private readonly io: CliIo,
    /** Scans started for the first run; taken by it. */
    private ahead: ScansAhead | undefined,
  ) {
    this.runner = new PairRunner({
      intervalMs: (config.intervalSeconds ?? 0) * 1000,
      sync: (signal) => this.syncAndReport(signal),
      ...(config.watch ? { watch: { root: config.source, excludes: config.excludes, quietMs: WATCH_QUIET_MS, create: watchForChanges } } : {}),
      ...(config.driveCheckMs !== undefined ? { driveCheckMs: config.driveCheckMs } : {}),
      hooks: {
        changesPending: () => {
          if (config.verbose) reporter.out('changes noticed in the source; syncing once they settle');
        },
        watcherFailed: (error) => {
          const text = `watching the source stopped (${watcherProblem(error)}); syncing on the interval only`;
          reporter.err(`warning: ${text}`);
          log.note(text);
        },
        waitingForDrive: (mountPoint) => reporter.out(`waiting for the drive at ${mountPoint}; syncing as soon as it is back`),
        driveBack: (mountPoint) => reporter.out(`the drive at ${mountPoint} is back: syncing now`),
        // Still on the schedule once this run is over (a quit request makes it 'stopping').
        runEnded: () => {
          if (this.runner.state === 'running') this.announceNext();
        },
      },
    });
  }

  async run(): Promise<number> {
    const quit = listenForQuit(this.io.stdin, this.io.signals ?? process, {
      onQuit: (reason) => this.onQuit(reason),
      onForce: (reason) => this.onForce(reason),
    });
    try {
      const work = this.config.once ? this.runner.runNow() : this.runLoop();
      const outcome = await Promise.race([work.then(() => 'done' as const), this.forcedPromise.then(() => 'forced' as const)]);
      if (outcome === 'forced') {
        await Promise.race([work.catch(() => undefined), delay(ABORT_GRACE_MS)]);
        return ExitCode.Interrupted;
      }
      return this.lastCode;
    } finally {
      quit.dispose();
      await this.runner.stop();
    }
  }

  private onQuit(reason: string): void {
    this.log.note(`quit requested (${reason})`);
    if (this.runner.running) this.reporter.out('finishing current sync… (press Ctrl-C again to abort it)');
    void this.runner.stop();
  }

  private onForce(reason: string): void {
    this.log.note(`abort requested (${reason})`);
    if (this.runner.running) this.reporter.err('aborting the current sync');
    this.runner.abortRun();
    this.forced();
  }

  private runLoop(): Promise<void> {
    this.reporter.out(`syncing every ${describeInterval(this.config.intervalSeconds ?? 0)}; type "quit" or press Ctrl-C to stop`);
    return this.runner.start();
  }

  private announceNext(): void {
    const at = this.runner.nextRunAt;
    if (at === undefined) return;
    const wait = at - Date.now();
    this.reporter.out(wait <= 0 ? 'next sync: now (the last one overran the interval)' : `next sync at ${timestamp(new Date(at))} (in ${formatDuration(wait)})`);
  }

  private async syncAndReport(signal: AbortSignal): Promise<RunSummary | undefined> {
    const options: SyncOptions = {
      ...syncOptionsOf(this.config),
      signal,
      onEvent: (event) => {
        this.reporter.handle(event);
        this.log.write(event);
      },
    };
    try {
      const ahead = this.ahead;
      this.ahead = undefined;
      const summary = await runSync(options, ahead);
      const aborted = signal.aborted;
      this.reporter.summary(summary, aborted);
      this.log.writeSummary(summary, aborted);
      this.lastCode = exitCodeFor(summary);
      return summary;
    } catch (error) {
      if (signal.aborted) return undefined;
      const text = escapeControls(messageOf(error));
      this.reporter.err(`folder-sync: ${error instanceof ConfigError ? '' : 'sync failed: '}${text}`);
      this.log.note(`run failed: ${messageOf(error)}`);
      this.lastCode = error instanceof ConfigError ? ExitCode.Usage : ExitCode.PartialFailure;
      return undefined;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
