import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError, type CliConfig, type ParsedCommand } from '../../main/cli/args.js';

const context = { cwd: '/home/u/work', env: {}, homedir: '/home/u' };
const base = ['-s', 'src', '-r', '/mnt/backup/rep', '-i', '1h', '-l', 'logs'];

function config(argv: readonly string[], ctx = context): CliConfig {
  const parsed: ParsedCommand = parseCliArgs(argv, ctx);
  if (parsed.kind !== 'run') throw new Error(`expected a run, got ${parsed.kind}`);
  return parsed.config;
}

function usageMessage(argv: readonly string[]): string {
  try {
    parseCliArgs(argv, context);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseCliArgs', () => {
  it('recognises help and version before anything else', () => {
    expect(parseCliArgs(['--help'], context).kind).toBe('help');
    expect(parseCliArgs(['-h', '-s', 'x'], context).kind).toBe('help');
    expect(parseCliArgs(['-V'], context).kind).toBe('version');
    expect(parseCliArgs(['--version'], context).kind).toBe('version');
  });

  it('parses the four required flags and resolves folders against the working directory', () => {
    const c = config(base);
    expect(c).toMatchObject({
      source: '/home/u/work/src',
      replica: '/mnt/backup/rep',
      intervalSeconds: 3600,
      logDir: '/home/u/work/logs',
      stateDir: '/home/u/.local/state/folder-sync',
      once: false,
      dryRun: false,
      watch: false,
      verbose: false,
      quiet: false,
      json: false,
      crossFileSystems: false,
      filters: [],
    });
  });

  it('--trash DIR keeps 30 days by default; --trash-days sets it and needs --trash', () => {
    expect(config(base).trash).toBeUndefined();
    expect(config([...base, '--trash', '../trash']).trash).toEqual({ dir: '/home/u/trash', keepDays: 30 });
    expect(config([...base, '--trash', '/t', '--trash-days', '7']).trash).toEqual({ dir: '/t', keepDays: 7 });
    expect(usageMessage([...base, '--trash-days', '7'])).toContain('--trash-days needs --trash');
    expect(usageMessage([...base, '--trash', '/t', '--trash-days', 'soon'])).toContain('"soon"');
    expect(usageMessage([...base, '--trash', '/t', '--trash-days', '0'])).toContain('from 1 to 3650');
  });

  it('drops trailing slashes', () => {
    const c = config(['-s', 'src/', '-r', '/mnt/rep//', '-l', 'logs/', '--once']);
    expect(c.source).toBe('/home/u/work/src');
    expect(c.replica).toBe('/mnt/rep');
    expect(c.logDir).toBe('/home/u/work/logs');
  });

  it('accepts the original tool names --source-dir and --replica-dir', () => {
    const c = config(['--source-dir', '/a', '--replica-dir=/b', '-l', '/l', '-i', '45s']);
    expect(c.source).toBe('/a');
    expect(c.replica).toBe('/b');
    expect(c.intervalSeconds).toBe(45);
    expect(usageMessage(['-s', '/a', '--source-dir', '/c', '-r', '/b', '-l', '/l', '--once'])).toMatch(/-s\/--source was given 2 times \("\/a" and "\/c"\)/);
  });

  it('names the missing required flag', () => {
    expect(usageMessage(['-r', '/b', '-i', '1h', '-l', '/l'])).toMatch(/Missing -s\/--source/);
    expect(usageMessage(['-s', '/a', '-i', '1h', '-l', '/l'])).toMatch(/Missing -r\/--replica/);
    expect(usageMessage(['-s', '/a', '-r', '/b', '-l', '/l'])).toMatch(/Missing -i\/--interval/);
    expect(usageMessage(['-s', '', '-r', '/b', '-l', '/l', '--once'])).toMatch(/Empty -s\/--source/);
  });

  it('makes the interval optional for --once and --dry-run, but still checks one that is given', () => {
    expect(config(['-s', '/a', '-r', '/b', '-l', '/l', '--once']).intervalSeconds).toBeUndefined();
    const dry = config(['-s', '/a', '-r', '/b', '-l', '/l', '--dry-run']);
    expect(dry.dryRun).toBe(true);
    expect(dry.once).toBe(true);
    expect(usageMessage(['-s', '/a', '-r', '/b', '-l', '/l', '--once', '-i', 'soon'])).toContain('"soon"');
  });

  it('names a bad or zero interval', () => {
    for (const spec of ['1h30', '30m1h', '1w', '0s', '00d00h']) {
      expect(usageMessage(['-s', '/a', '-r', '/b', '-l', '/l', '-i', spec])).toContain(`"${spec}"`);
    }
    expect(config(['-s', '/a', '-r', '/b', '-l', '/l', '-i', '05d04h03m02s']).intervalSeconds).toBe(5 * 86400 + 4 * 3600 + 3 * 60 + 2);
  });

  it('names an unknown flag, a flag without its value and a stray argument', () => {
    expect(usageMessage([...base, '--frobnicate'])).toMatch(/Unknown option '--frobnicate'\..*--help/);
    expect(usageMessage([...base, '-s'])).toMatch(/--source <value>' argument missing/);
    expect(usageMessage(['-s', '--once', '-r', '/b', '-l', '/l'])).toMatch(/'-s' argument is ambiguous\./);
    expect(usageMessage([...base, 'extra'])).toMatch(/Unexpected argument 'extra'/);
  });

  it('collects --exclude, --include and --exclude-from in command-line order, and the boolean options', () => {
    const c = config([...base, '--exclude', '*.tmp', '--include=keep.tmp', '--exclude-from', 'rules.txt', '--exclude=node_modules', '--checksum', '--allow-empty-source', '--watch', '-v']);
    expect(c.filters).toEqual([
      { kind: 'exclude', pattern: '*.tmp' },
      { kind: 'include', pattern: 'keep.tmp' },
      { kind: 'from', file: '/home/u/work/rules.txt' },
      { kind: 'exclude', pattern: 'node_modules' },
    ]);
    expect(c).toMatchObject({ checksum: true, allowEmptySource: true, watch: true, verbose: true });
    expect(usageMessage([...base, '--exclude', ' '])).toMatch(/Empty --exclude pattern/);
  });

  it('takes the short forms rsync users type: -n, -q, -c, -x; and --cross-file-systems, --json', () => {
    const c = config(['-s', '/a', '-r', '/b', '-n', '-q', '-c', '-x']);
    expect(c).toMatchObject({ dryRun: true, once: true, quiet: true, checksum: true, crossFileSystems: false });
    expect(config([...base, '--cross-file-systems', '--json'])).toMatchObject({ crossFileSystems: true, json: true });
    expect(usageMessage([...base, '-x', '--cross-file-systems'])).toMatch(/-x\/--one-file-system and --cross-file-systems contradict/);
    expect(usageMessage([...base, '-q', '-v'])).toMatch(/-q\/--quiet and -v\/--verbose contradict/);
  });

  it('refuses a single-valued option given twice, even with the same value or through an alias', () => {
    expect(usageMessage(['-s', 'a', '-s', 'b', '-r', '/b', '--once'])).toBe('-s/--source was given 2 times ("a" and "b"): give it once.');
    expect(usageMessage(['-s', '/a', '--source-dir', '/a', '-r', '/b', '--once'])).toMatch(/-s\/--source was given 2 times/);
    expect(usageMessage([...base, '-i', '2h'])).toMatch(/-i\/--interval was given 2 times \("1h" and "2h"\)/);
    expect(usageMessage([...base, '--trash', '/t', '--backup-dir', '/u'])).toMatch(/--trash was given 2 times/);
    for (const flag of ['--state-dir', '--max-delete', '--modify-window', '--trash-days']) {
      expect(usageMessage([...base, '--trash', '/t', flag, '1', flag, '2'])).toContain(`${flag} was given 2 times`);
    }
    expect(usageMessage([...base, '-l', 'other'])).toMatch(/-l\/--log-dir was given 2 times/);
  });

  it('--backup-dir is --trash', () => {
    expect(config([...base, '--backup-dir', '/t']).trash).toEqual({ dir: '/t', keepDays: 30 });
  });

  it('puts the log under $XDG_STATE_HOME/folder-sync/logs by default; a dry run without -l has none', () => {
    const noLog = ['-s', '/a', '-r', '/b', '--once'];
    expect(config(noLog).logDir).toBe('/home/u/.local/state/folder-sync/logs');
    expect(config(noLog, { ...context, env: { XDG_STATE_HOME: '/var/st' } }).logDir).toBe('/var/st/folder-sync/logs');
    expect(config(['-s', '/a', '-r', '/b', '--dry-run']).logDir).toBeUndefined();
    expect(config(['-s', '/a', '-r', '/b', '--dry-run', '-l', 'logs']).logDir).toBe('/home/u/work/logs');
  });

  it('parses --max-delete as a count or a percentage', () => {
    expect(config([...base, '--max-delete', '100']).maxDelete).toEqual({ count: 100 });
    expect(config([...base, '--max-delete', '12.5%']).maxDelete).toEqual({ percent: 12.5 });
    expect(config(base).maxDelete).toBeUndefined();
    expect(usageMessage([...base, '--max-delete', 'ten'])).toContain('"ten"');
    expect(usageMessage([...base, '--max-delete', '150%'])).toContain('"150%"');
  });

  it('parses --modify-window seconds into milliseconds', () => {
    expect(config([...base, '--modify-window', '2']).modifyWindowMs).toBe(2000);
    expect(config([...base, '--modify-window', '0.5']).modifyWindowMs).toBe(500);
    expect(usageMessage([...base, '--modify-window', '-1'])).toMatch(/--modify-window/);
    expect(usageMessage([...base, '--modify-window', '1s'])).toContain('"1s"');
  });

  it('puts the state folder under XDG_STATE_HOME when it is absolute, else under ~/.local/state', () => {
    expect(config(base, { ...context, env: { XDG_STATE_HOME: '/var/st' } }).stateDir).toBe('/var/st/folder-sync');
    expect(config(base, { ...context, env: { XDG_STATE_HOME: 'rel' } }).stateDir).toBe('/home/u/.local/state/folder-sync');
    expect(config([...base, '--state-dir', 'st']).stateDir).toBe('/home/u/work/st');
  });

  it('refuses --watch with a single run', () => {
    expect(usageMessage(['-s', '/a', '-r', '/b', '-l', '/l', '--once', '--watch'])).toMatch(/--watch/);
    expect(usageMessage(['-s', '/a', '-r', '/b', '-l', '/l', '--dry-run', '--watch'])).toMatch(/--watch/);
  });
});
