/**
 * The command line, parsed into a plain config. Pure: no file system access, so every usage mistake is caught
 * here with one sentence naming the input (exit code 2) before anything is touched.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseInterval, IntervalError } from '../shared/interval.js';
import { MaxDeleteError, parseMaxDelete as parseSharedMaxDelete, type MaxDelete } from '../shared/max-delete.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliConfig {
  readonly source: string;
  readonly replica: string;
  /** Absent only with --once or --dry-run. */
  readonly intervalSeconds: number | undefined;
  readonly logDir: string;
  readonly stateDir: string;
  readonly once: boolean;
  readonly dryRun: boolean;
  readonly checksum: boolean;
  readonly excludes: readonly string[];
  readonly allowEmptySource: boolean;
  readonly maxDelete: MaxDelete | undefined;
  readonly modifyWindowMs: number | undefined;
  /** --trash DIR with --trash-days N (default 30). */
  readonly trash: { readonly dir: string; readonly keepDays: number } | undefined;
  readonly watch: boolean;
  readonly verbose: boolean;
  /** How often an unplugged drive is looked for (FOLDER_SYNC_DRIVE_CHECK_MS, for tests; default 10 s). */
  readonly driveCheckMs: number | undefined;
}

export type ParsedCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly config: CliConfig };

export interface ArgsContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homedir: string;
}

const OPTIONS = {
  source: { type: 'string', short: 's' },
  'source-dir': { type: 'string' },
  replica: { type: 'string', short: 'r' },
  'replica-dir': { type: 'string' },
  interval: { type: 'string', short: 'i' },
  'log-dir': { type: 'string', short: 'l' },
  once: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  checksum: { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'allow-empty-source': { type: 'boolean' },
  'max-delete': { type: 'string' },
  'modify-window': { type: 'string' },
  trash: { type: 'string' },
  'trash-days': { type: 'string' },
  watch: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

export const HELP_TEXT = `Usage: folder-sync -s SOURCE -r REPLICA -i INTERVAL -l LOG_DIR [options]

Keeps REPLICA an exact one-way mirror of SOURCE, syncing every INTERVAL.

  -s, --source DIR         folder to mirror (must exist)            (alias: --source-dir)
  -r, --replica DIR        mirror target (created if missing)        (alias: --replica-dir)
  -i, --interval SPEC      ##d##h##m##s, parts in that order: 1d, 2h30m, 45s, 05d04h03m02s
  -l, --log-dir DIR        where folder-sync.log goes (created if missing)
      --once               one run, then exit (then -i is optional)
      --dry-run            print the planned actions, change nothing (implies one run)
      --checksum           compare contents even when size and mtime match
      --exclude GLOB       skip matching paths (repeatable; matched against the relative path and the basename)
      --state-dir DIR      where the file record lives (default $XDG_STATE_HOME/folder-sync,
                           i.e. ~/.local/state/folder-sync)
      --allow-empty-source let an empty source empty the replica
      --max-delete N|P%    refuse a run that would delete more than N entries (or P percent of the replica)
      --trash DIR          keep deleted and overwritten replica files in dated folders under DIR
                           (beside the replica, never inside it)
      --trash-days N       remove those dated folders after N days (default 30)
      --modify-window SECONDS  extra tolerance when comparing mtimes (as rsync)
      --watch              notice changes between intervals and sync early after 2 s of quiet
  -v, --verbose            also print every operation on the console
  -h, --help               show this help
  -V, --version            show the version

Without --once it runs every INTERVAL (measured from the start of the previous run; a run that overruns is
followed at once). Type "quit" + Enter, or press Ctrl-C, to stop: a running sync finishes first ("finishing
current sync..."); while waiting it exits at once. A second Ctrl-C aborts the running sync (exit code 130).

Exit codes:
  0  done (entries the replica cannot represent are only warnings)
  1  the run finished but some entries failed
  2  bad usage or configuration; nothing was touched
  3  the run was refused for safety (emptied source, --max-delete exceeded, replica drive not connected)
  130  aborted by a second Ctrl-C
With --once or --dry-run the code is that of the one run. In the periodic loop, quitting gives the code of the
last finished run (0 if it succeeded or none ran).
`;

function usage(message: string): UsageError {
  return new UsageError(message);
}

/** Node's parseArgs messages, made into one sentence that ends by pointing at --help. */
function parseArgsMessage(error: unknown): string {
  const text = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  return `${sentence} Run "folder-sync --help" for the options.`;
}

function pickAlias(values: Record<string, unknown>, main: string, alias: string, flag: string): string | undefined {
  const a = values[main] as string | undefined;
  const b = values[alias] as string | undefined;
  if (a !== undefined && b !== undefined && a !== b) {
    throw usage(`Both --${main} "${a}" and --${alias} "${b}" were given: give the ${flag} once.`);
  }
  return a ?? b;
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined) throw usage(`Missing ${flag}: give the ${what}. Run "folder-sync --help" for the options.`);
  if (value.trim() === '') throw usage(`Empty ${flag}: give the ${what}.`);
  return value;
}

/** The shared parser (the settings window uses it too), its sentence made a usage error. */
function parseMaxDelete(spec: string): MaxDelete {
  try {
    return parseSharedMaxDelete(spec, '--max-delete');
  } catch (error) {
    if (error instanceof MaxDeleteError) throw usage(error.message);
    throw error;
  }
}

export function parseModifyWindow(spec: string): number {
  const text = spec.trim();
  if (!/^\d+(?:\.\d+)?$/.test(text)) {
    throw usage(`Invalid --modify-window "${spec}": give a number of seconds, such as 1 or 0.5.`);
  }
  return Math.round(Number(text) * 1000);
}

export const DEFAULT_TRASH_DAYS = 30;

function driveCheckMs(text: string | undefined): number | undefined {
  const ms = Number(text);
  return text !== undefined && Number.isInteger(ms) && ms > 0 ? ms : undefined;
}

export function parseTrashDays(spec: string): number {
  const days = Number(spec.trim());
  if (!/^\d+$/.test(spec.trim()) || days < 1 || days > 3650) {
    throw usage(`Invalid --trash-days "${spec}": give a whole number of days from 1 to 3650, such as 30.`);
  }
  return days;
}

function defaultStateDir(context: ArgsContext): string {
  const xdg = context.env.XDG_STATE_HOME;
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(context.homedir, '.local', 'state');
  return path.join(base, 'folder-sync');
}

export function parseCliArgs(argv: readonly string[], context: ArgsContext): ParsedCommand {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw usage(parseArgsMessage(error));
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };

  const resolve = (p: string): string => path.resolve(context.cwd, p);
  const source = required(pickAlias(values, 'source', 'source-dir', 'source'), '-s/--source', 'folder to mirror');
  const replica = required(pickAlias(values, 'replica', 'replica-dir', 'replica'), '-r/--replica', 'mirror target folder');
  const logDir = required(values['log-dir'] as string | undefined, '-l/--log-dir', 'folder for the log file');
  const dryRun = values['dry-run'] === true;
  const once = values.once === true || dryRun;
  const watch = values.watch === true;
  if (watch && once) throw usage('--watch needs the periodic loop: it cannot be combined with --once or --dry-run.');

  const intervalSpec = values.interval as string | undefined;
  let intervalSeconds: number | undefined;
  if (intervalSpec !== undefined) {
    try {
      intervalSeconds = parseInterval(intervalSpec);
    } catch (error) {
      if (error instanceof IntervalError) throw usage(error.message);
      throw error;
    }
  } else if (!once) {
    throw usage('Missing -i/--interval: give how often to sync (e.g. 1h or 30m), or use --once for a single run.');
  }

  const stateDirSpec = values['state-dir'] as string | undefined;
  const maxDeleteSpec = values['max-delete'] as string | undefined;
  const modifyWindowSpec = values['modify-window'] as string | undefined;
  const trashDir = values.trash as string | undefined;
  const trashDays = values['trash-days'] as string | undefined;
  if (trashDays !== undefined && trashDir === undefined) throw usage('--trash-days needs --trash DIR: the folder where deleted files are kept.');
  return {
    kind: 'run',
    config: {
      source: resolve(source),
      replica: resolve(replica),
      intervalSeconds,
      logDir: resolve(logDir),
      stateDir: stateDirSpec === undefined ? defaultStateDir(context) : resolve(required(stateDirSpec, '--state-dir', 'state folder')),
      once,
      dryRun,
      checksum: values.checksum === true,
      excludes: (values.exclude as string[] | undefined) ?? [],
      allowEmptySource: values['allow-empty-source'] === true,
      maxDelete: maxDeleteSpec === undefined ? undefined : parseMaxDelete(maxDeleteSpec),
      modifyWindowMs: modifyWindowSpec === undefined ? undefined : parseModifyWindow(modifyWindowSpec),
      trash:
        trashDir === undefined
          ? undefined
          : { dir: resolve(required(trashDir, '--trash', 'trash folder')), keepDays: trashDays === undefined ? DEFAULT_TRASH_DAYS : parseTrashDays(trashDays) },
      watch,
      verbose: values.verbose === true,
      driveCheckMs: driveCheckMs(context.env.FOLDER_SYNC_DRIVE_CHECK_MS),
    },
  };
}
