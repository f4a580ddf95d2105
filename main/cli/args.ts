/**
 * The command line, parsed into a plain config. Pure: no file system access, so every usage mistake is caught
 * here with one sentence naming the input (exit code 2) before anything is touched.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseInterval, IntervalError } from '../shared/interval.js';
import { MaxDeleteError, parseMaxDelete as parseSharedMaxDelete, type MaxDelete } from '../shared/max-delete.js';
import type { FilterSource } from './filter-rules.js';
import { xdgStateDir } from '../shared/xdg-state.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliConfig {
  readonly source: string;
  readonly replica: string;
  /** Absent only with --once or --dry-run. */
  readonly intervalSeconds: number | undefined;
  /** Absent only for a dry run without -l: it writes no log and creates no folder. */
  readonly logDir: string | undefined;
  readonly stateDir: string;
  readonly once: boolean;
  readonly dryRun: boolean;
  readonly checksum: boolean;
  /** --include, --exclude and --exclude-from in the order given (filter-rules.ts turns them into gitignore lines). */
  readonly filters: readonly FilterSource[];
  readonly allowEmptySource: boolean;
  readonly maxDelete: MaxDelete | undefined;
  readonly modifyWindowMs: number | undefined;
  /** --trash DIR with --trash-days N (default 30). */
  readonly trash: { readonly dir: string; readonly keepDays: number } | undefined;
  readonly watch: boolean;
  readonly verbose: boolean;
  /** --stats (or -v): entries scanned, bytes read and time per stage after each summary. */
  readonly stats: boolean;
  readonly quiet: boolean;
  readonly json: boolean;
  /** --cross-file-systems; -x (--one-file-system) is the default and only says so. */
  readonly crossFileSystems: boolean;
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

/** Every option; the completions test holds --help, the man page and the completion scripts to this list. */
export const OPTIONS = {
  source: { type: 'string', short: 's' },
  'source-dir': { type: 'string' },
  replica: { type: 'string', short: 'r' },
  'replica-dir': { type: 'string' },
  interval: { type: 'string', short: 'i' },
  'log-dir': { type: 'string', short: 'l' },
  once: { type: 'boolean' },
  'dry-run': { type: 'boolean', short: 'n' },
  checksum: { type: 'boolean', short: 'c' },
  'one-file-system': { type: 'boolean', short: 'x' },
  'cross-file-systems': { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  'exclude-from': { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'allow-empty-source': { type: 'boolean' },
  'max-delete': { type: 'string' },
  'modify-window': { type: 'string' },
  trash: { type: 'string' },
  'backup-dir': { type: 'string' },
  'trash-days': { type: 'string' },
  watch: { type: 'boolean' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  stats: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** Options that name one thing: given twice (even through an alias) is a mistake, not "the last one wins". */
const SINGLE_VALUED: ReadonlyArray<readonly [OptionName, ...OptionName[]]> = [
  ['source', 'source-dir'],
  ['replica', 'replica-dir'],
  ['interval'],
  ['log-dir'],
  ['state-dir'],
  ['max-delete'],
  ['modify-window'],
  ['trash', 'backup-dir'],
  ['trash-days'],
];

function usage(message: string): UsageError {
  return new UsageError(message);
}

/** Node's parseArgs messages, made into one sentence that ends by pointing at --help. */
function parseArgsMessage(error: unknown): string {
  const text = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
  const sentence = /[.!?]$/.test(text) ? text : `${text}.`;
  return `${sentence} Run "folder-sync --help" for the options.`;
}

function flagName(name: OptionName): string {
  const short = (OPTIONS[name] as { short?: string }).short;
  return short === undefined ? `--${name}` : `-${short}/--${name}`;
}

interface OptionToken {
  readonly kind: 'option';
  readonly name: string;
  readonly value?: string | undefined;
}

type Token = OptionToken | { readonly kind: 'positional' | 'option-terminator' };

function isOption(token: Token): token is OptionToken {
  return token.kind === 'option';
}

function rejectRepeats(tokens: readonly Token[]): void {
  for (const names of SINGLE_VALUED) {
    const given = tokens.filter(isOption).filter((t) => (names as readonly string[]).includes(t.name));
    if (given.length < 2) continue;
    const values = given.map((t) => `"${t.value ?? ''}"`).join(' and ');
    throw usage(`${flagName(names[0])} was given ${given.length} times (${values}): give it once.`);
  }
}

/** --include, --exclude and --exclude-from in command-line order: their order decides which rule wins. */
function filtersOf(tokens: readonly Token[], resolve: (p: string) => string): FilterSource[] {
  const filters: FilterSource[] = [];
  for (const token of tokens.filter(isOption)) {
    const value = token.value ?? '';
    if (token.name === 'exclude' || token.name === 'include') {
      if (value.trim() === '') throw usage(`Empty --${token.name} pattern: give a gitignore pattern such as "*.tmp".`);
      filters.push({ kind: token.name, pattern: value });
    } else if (token.name === 'exclude-from') {
      filters.push({ kind: 'from', file: resolve(required(value, '--exclude-from', 'file of gitignore patterns')) });
    }
  }
  return filters;
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

/** $XDG_STATE_HOME/folder-sync, or ~/.local/state/folder-sync. */
export function defaultStateDir(context: ArgsContext): string {
  return xdgStateDir(context.env, context.homedir);
}

/** The log's default home beside the record: state, in the XDG sense (it is kept, but is not a document). */
export function defaultLogDir(context: ArgsContext): string {
  return path.join(defaultStateDir(context), 'logs');
}

function parseIntervalOption(spec: string | undefined, once: boolean): number | undefined {
  if (spec === undefined) {
    if (once) return undefined;
    throw usage('Missing -i/--interval: give how often to sync (e.g. 1h or 30m), or use --once for a single run.');
  }
  try {
    return parseInterval(spec);
  } catch (error) {
    if (error instanceof IntervalError) throw usage(error.message);
    throw error;
  }
}

function rejectConflicts(values: Record<string, unknown>, once: boolean): void {
  const conflicts: Array<[OptionName, OptionName, string]> = [
    ['one-file-system', 'cross-file-systems', 'choose one'],
    ['quiet', 'verbose', 'choose one'],
  ];
  for (const [a, b, what] of conflicts) {
    if (values[a] === true && values[b] === true) throw usage(`${flagName(a)} and ${flagName(b)} contradict each other: ${what}.`);
  }
  if (values.watch === true && once) throw usage('--watch needs the periodic loop: it cannot be combined with --once or --dry-run.');
}

export function parseCliArgs(argv: readonly string[], context: ArgsContext): ParsedCommand {
  let values: Record<string, unknown>;
  let tokens: Token[];
  try {
    const parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false, tokens: true });
    values = parsed.values;
    tokens = parsed.tokens as Token[];
  } catch (error) {
    throw usage(parseArgsMessage(error));
  }
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  rejectRepeats(tokens);

  const resolve = (p: string): string => path.resolve(context.cwd, p);
  const text = (name: OptionName, alias?: OptionName): string | undefined =>
    (values[name] as string | undefined) ?? (alias === undefined ? undefined : (values[alias] as string | undefined));
  const source = required(text('source', 'source-dir'), '-s/--source', 'folder to mirror');
  const replica = required(text('replica', 'replica-dir'), '-r/--replica', 'mirror target folder');
  const logDirSpec = text('log-dir');
  const dryRun = values['dry-run'] === true;
  const once = values.once === true || dryRun;
  rejectConflicts(values, once);
  const intervalSeconds = parseIntervalOption(text('interval'), once);

  const stateDirSpec = text('state-dir');
  const maxDeleteSpec = text('max-delete');
  const modifyWindowSpec = text('modify-window');
  const trashDir = text('trash', 'backup-dir');
  const trashDays = text('trash-days');
  if (trashDays !== undefined && trashDir === undefined) throw usage('--trash-days needs --trash DIR: the folder where deleted files are kept.');
  return {
    kind: 'run',
    config: {
      source: resolve(source),
      replica: resolve(replica),
      intervalSeconds,
      logDir: logDirSpec !== undefined ? resolve(required(logDirSpec, '-l/--log-dir', 'folder for the log file')) : dryRun ? undefined : defaultLogDir(context),
      stateDir: stateDirSpec === undefined ? defaultStateDir(context) : resolve(required(stateDirSpec, '--state-dir', 'state folder')),
      once,
      dryRun,
      checksum: values.checksum === true,
      filters: filtersOf(tokens, resolve),
      allowEmptySource: values['allow-empty-source'] === true,
      maxDelete: maxDeleteSpec === undefined ? undefined : parseMaxDelete(maxDeleteSpec),
      modifyWindowMs: modifyWindowSpec === undefined ? undefined : parseModifyWindow(modifyWindowSpec),
      trash:
        trashDir === undefined
          ? undefined
          : { dir: resolve(required(trashDir, '--trash', 'trash folder')), keepDays: trashDays === undefined ? DEFAULT_TRASH_DAYS : parseTrashDays(trashDays) },
      watch: values.watch === true,
      verbose: values.verbose === true,
      stats: values.stats === true || values.verbose === true,
      quiet: values.quiet === true,
      json: values.json === true,
      crossFileSystems: values['cross-file-systems'] === true,
      driveCheckMs: driveCheckMs(context.env.FOLDER_SYNC_DRIVE_CHECK_MS),
    },
  };
}
