/**
 * The headless front end: parse, validate everything, then one run (--once, --dry-run) or the periodic
 * loop until quit. Returns the exit code instead of exiting, so the Electron app can run it too.
 */
import fs from 'node:fs';
import os from 'node:os';
import { ExitCode } from '../shared/exit-codes.js';
import { ConfigError, type RunSummary, runSync, type ScansAhead, sideFolderPlace, type SyncOptions, validatePair } from '../engine/index.js';
import { PairRunner } from '../runner/pair-runner.js';
import { watchForChanges } from '../runner/watch.js';
import { describeInterval } from '../shared/interval.js';
import { makeFolder } from '../shared/make-folder.js';
import { createOperationLog, describeFsError, type OperationLog } from '../log.js';
import { escapeControls, formatDuration } from '../shared/log-format.js';
import { parseCliArgs, UsageError, type CliConfig } from './args.js';
import { ConsoleReporter, timestamp } from './console-reporter.js';
import { excludeRulesOf, readFilterBlocks, ruleWarnings, type FilterBlocks } from './filter-rules.js';
import { JsonReporter } from './json-reporter.js';
import { listenForQuit, type SignalSource } from './quit.js';
import { answerOf } from './quick-answer.js';
import type { Reporter, TextSink } from './reporter.js';
import { readOnlyReplicaProblem } from './read-only-replica.js';

export interface CliIo {
  readonly stdout: TextSink & { readonly isTTY?: boolean; readonly columns?: number };
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
  // A closed terminal (SIGHUP) makes every later write fail with EIO, and a pipe closed early with EPIPE: the run
  // that is finishing must not die of its own progress line. Its log still records everything.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
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

/** Everything the engine is told, but the exclude rules (they are read again at each run). */
function syncOptionsOf(config: CliConfig, excludes: readonly string[]): SyncOptions {
  return {
    source: config.source,
    replica: config.replica,
    stateDir: config.stateDir,
    checksum: config.checksum,
    excludes,
    dryRun: config.dryRun,
    allowEmptySource: config.allowEmptySource,
    crossFileSystems: config.crossFileSystems,
    ...(config.maxDelete === undefined ? {} : { maxDelete: config.maxDelete }),
    ...(config.modifyWindowMs === undefined ? {} : { modifyWindowMs: config.modifyWindowMs }),
    ...(config.trash === undefined ? {} : { trash: config.trash }),
  };
}

function makeReporter(config: CliConfig, io: CliIo): Reporter {
  if (config.json) return new JsonReporter({ stdout: io.stdout, stderr: io.stderr, quiet: config.quiet });
  return new ConsoleReporter({
    stdout: io.stdout,
    stderr: io.stderr,
    stdoutIsTty: io.stdout.isTTY === true,
    columns: () => io.stdout.columns,
    verbose: config.verbose,
    stats: config.stats,
    quiet: config.quiet,
  });
}

interface Validated {
  readonly log: OperationLog | undefined;
  readonly blocks: FilterBlocks;
  /** The rules as validation read them (ignore file included): the watcher's, and what was warned about. */
  readonly rules: readonly string[];
}

/**
 * The log and state folders against the pair (sideFolderPlace: however spelled, bind mounts too). Inside the replica
 * the mirror would wipe them each run; inside the source each run changes the source, which --watch answers with
 * the next run at once: both refused. Inside the source without --watch they are only mirrored along: a warning.
 */
function checkSideFolder(folder: string | undefined, what: string, config: CliConfig, reporter: Reporter): void {
  if (folder === undefined) return;
  const place = sideFolderPlace(folder, config);
  if (place === 'replica') throw new ConfigError(`The ${what} folder "${folder}" is inside the replica "${config.replica}": the mirror would delete it.`);
  if (place !== 'source') return;
  if (config.watch) {
    throw new ConfigError(`The ${what} folder "${folder}" is inside the source "${config.source}": every run would change the source and --watch would start the next one at once.`);
  }
  reporter.warn(`the ${what} folder "${folder}" is inside the source "${config.source}", so every run changes the source (it is mirrored too).`);
}

function prepareStateDir(stateDir: string): void {
  try {
    makeFolder(stateDir);
    fs.accessSync(stateDir, fs.constants.W_OK);
  } catch (error) {
    throw new ConfigError(`Cannot use the state folder "${stateDir}": ${describeFsError(error)}.`);
  }
}

/** Everything that can be wrong with the configuration, checked before the first run touches anything. */
async function validate(config: CliConfig, reporter: Reporter, logFailed: (sentence: string) => void): Promise<Validated> {
  await validatePair(syncOptionsOf(config, []));
  const blocks = readFilterBlocks(config.filters);
  const rules = excludeRulesOf(config.source, blocks);
  checkSideFolder(config.logDir, 'log', config, reporter);
  checkSideFolder(config.stateDir, 'state', config, reporter);
  // A dry run writes no record, so it needs no state folder (and creates none).
  if (!config.dryRun) prepareStateDir(config.stateDir);
  const log = config.logDir === undefined ? undefined : createOperationLog(config.logDir, logFailed);
  for (const warning of ruleWarnings(rules)) reporter.warn(warning);
  return { log, blocks, rules };
}

function watcherProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the inotify watch limit is reached (raise fs.inotify.max_user_watches)';
  if (code === 'EMFILE') return 'too many open files';
  return messageOf(error);
}

/** `ahead`: the scans of the first run, already started (scan-ahead.ts). */
export async function runCli(argv: readonly string[], io: CliIo = processIo(), ahead?: ScansAhead): Promise<number> {
  let config: CliConfig;
  try {
    const command = parseCliArgs(argv, {
      cwd: io.cwd ?? process.cwd(),
      env: io.env ?? process.env,
      homedir: io.homedir ?? os.homedir(),
    });
    if (command.kind !== 'run') {
      io.stdout.write(answerOf(command));
      return ExitCode.Ok;
    }
    config = command.config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`folder-sync: ${error.message}\n`);
    return ExitCode.Usage;
  }

  const reporter = makeReporter(config, io);
  // Said at once, on stderr, whatever -q says: the audit trail is incomplete from here on (exit code 4).
  const logFailed = (sentence: string): void => reporter.error(`folder-sync: ${escapeControls(sentence)}`);
  let validated: Validated;
  try {
    validated = await validate(config, reporter, logFailed);
  } catch (error) {
    // Errno failures here come from folders the user named (unreadable, vanished): configuration, not bugs.
    if (!(error instanceof ConfigError) && (error as NodeJS.ErrnoException | undefined)?.code === undefined) throw error;
    if (error instanceof ConfigError && error.reason === 'overlap') {
      reporter.error(`folder-sync: refused for safety: ${escapeControls(error.message)}`);
      return ExitCode.Refused;
    }
    reporter.error(`folder-sync: ${escapeControls(messageOf(error))}`);
    return ExitCode.Usage;
  }
  const { log } = validated;
  try {
    const code = await new Session(config, reporter, validated, io, ahead).run();
    log?.close();
    // A run that did its work but whose log lost lines says so: scripts that keep the log as an audit trail must know.
    return log?.failure !== undefined && (code === ExitCode.Ok || code === ExitCode.PartialFailure) ? ExitCode.LogIncomplete : code;
  } finally {
    log?.close();
  }
}

/** An error a run met that is the configuration's fault: the replica could not be made where it was asked for. */
function replicaCreationError(error: unknown, replica: string): ConfigError | undefined {
  const errno = error as NodeJS.ErrnoException;
  if (errno?.syscall !== 'mkdir' || errno.path !== replica) return undefined;
  return new ConfigError(`The replica "${replica}" cannot be created: ${describeFsError(error)}.`);
}

/** One invocation after validation: the run(s) of the pair (main/runner/pair-runner.ts) and the quit requests. */
class Session {
  private readonly runner: PairRunner;
  private readonly log: OperationLog | undefined;
  private lastCode: number = ExitCode.Ok;
  /** The rules last warned about, so the loop warns about an ignore file once per change, not once per run. */
  private warnedRules: string;
  private forced!: () => void;
  private readonly forcedPromise = new Promise<void>((resolve) => {
    this.forced = resolve;
  });

  constructor(
    private readonly config: CliConfig,
    private readonly reporter: Reporter,
    private readonly validated: Validated,
    private readonly io: CliIo,
    /** Scans started for the first run; taken by it. */
    private ahead: ScansAhead | undefined,
  ) {
    this.log = validated.log;
    const rules = validated.rules;
    this.warnedRules = rules.join('\n');
    this.runner = new PairRunner({
      intervalMs: (config.intervalSeconds ?? 0) * 1000,
      sync: (signal) => this.syncAndReport(signal),
      ...(config.watch ? { watch: { root: config.source, excludes: rules, quietMs: WATCH_QUIET_MS, create: watchForChanges } } : {}),
      ...(config.driveCheckMs !== undefined ? { driveCheckMs: config.driveCheckMs } : {}),
      hooks: {
        changesPending: () => {
          if (config.verbose) reporter.note('changes noticed in the source; syncing once they settle');
        },
        watcherFailed: (error) => {
          const text = `watching the source stopped (${watcherProblem(error)}); syncing on the interval only`;
          reporter.warn(text);
          this.log?.note(text);
        },
        waitingForDrive: (mountPoint) => reporter.note(`waiting for the drive at ${mountPoint}; syncing as soon as it is back`),
        driveBack: (mountPoint) => reporter.note(`the drive at ${mountPoint} is back: syncing now`),
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
    this.log?.note(`quit requested (${reason})`);
    if (this.runner.running) this.reporter.note('finishing current sync… (press Ctrl-C again to abort it)');
    void this.runner.stop();
  }

  private onForce(reason: string): void {
    this.log?.note(`abort requested (${reason})`);
    if (this.runner.running) this.reporter.error('aborting the current sync');
    this.runner.abortRun();
    this.forced();
  }

  private runLoop(): Promise<void> {
    this.reporter.note(`syncing every ${describeInterval(this.config.intervalSeconds ?? 0)}; type "quit" or press Ctrl-C to stop`);
    return this.runner.start();
  }

  private announceNext(): void {
    const at = this.runner.nextRunAt;
    if (at === undefined) return;
    const wait = at - Date.now();
    this.reporter.note(wait <= 0 ? 'next sync: now (the last one overran the interval)' : `next sync at ${timestamp(new Date(at))} (in ${formatDuration(wait)})`);
  }

  /** This run's rules; an ignore file edited since the last warning is checked again. */
  private rulesForRun(): string[] {
    const rules = excludeRulesOf(this.config.source, this.validated.blocks);
    const text = rules.join('\n');
    if (text !== this.warnedRules) {
      this.warnedRules = text;
      for (const warning of ruleWarnings(rules)) this.reporter.warn(warning);
    }
    return rules;
  }

  private async syncAndReport(signal: AbortSignal): Promise<RunSummary | undefined> {
    const readOnly = this.config.dryRun ? undefined : readOnlyReplicaProblem(this.config.replica);
    if (readOnly !== undefined) {
      this.reporter.error(`folder-sync: ${escapeControls(readOnly)}`);
      this.log?.note(`run not started: ${readOnly}`);
      this.lastCode = ExitCode.PartialFailure;
      return undefined;
    }
    try {
      const options: SyncOptions = {
        ...syncOptionsOf(this.config, this.rulesForRun()),
        signal,
        onEvent: (event) => {
          this.reporter.handle(event);
          this.log?.write(event);
        },
      };
      const ahead = this.ahead;
      this.ahead = undefined;
      const summary = await runSync(options, ahead);
      const aborted = signal.aborted;
      this.log?.writeSummary(summary, aborted);
      this.reporter.summary(summary, aborted, this.log?.file);
      this.lastCode = exitCodeFor(summary);
      return summary;
    } catch (error) {
      if (signal.aborted) return undefined;
      const config = error instanceof ConfigError ? error : replicaCreationError(error, this.config.replica);
      const text = escapeControls(messageOf(config ?? error));
      // A bind mount made after the start can make the folders overlap: the run refuses it as the start does.
      const overlap = config?.reason === 'overlap';
      const lead = overlap ? 'refused for safety: ' : config !== undefined ? '' : 'sync failed: ';
      this.reporter.error(`folder-sync: ${lead}${text}`);
      this.log?.note(`run failed: ${messageOf(config ?? error)}`);
      this.lastCode = overlap ? ExitCode.Refused : config !== undefined ? ExitCode.Usage : ExitCode.PartialFailure;
      return undefined;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
