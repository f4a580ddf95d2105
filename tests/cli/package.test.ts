/**
 * The npm package as a user gets it: `npm pack` lists only what the command needs, and the packed tarball, installed
 * with `npm install -g` into a temporary prefix, runs from a folder outside the repository with its own
 * node_modules taken away (the bundle is self-contained; the dependencies are there for the Electron app).
 * The man page and the completions are generated from --help and hold every option.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPTIONS_TEXT } from '../../main/cli/help-text.js';
import { parseHelpOptions } from '../../main/cli/help-options.js';
import { assertBuilt, makeUserHome, treeOf } from './cli-process.js';

const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-pack-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** What the package may hold: the bundle and its workers, the man page, the completions, the README, and the
 * native sources with their build script. npm always adds package.json (and a "main" file: there is none, the app's
 * entry is named only in the packaged app's package.json). */
const ALLOWED = [/^dist\/cli\/[\w-]+\.js$/, /^dist\/man\/folder-sync\.1$/, /^dist\/completions\/(folder-sync\.bash|_folder-sync|folder-sync\.fish)$/, /^README\.md$/, /^package\.json$/, /^native\//, /^build\/build-native\.mjs$/];

function packList(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
}

describe('the npm package', () => {
  it('lists no test files, no source maps, no TypeScript sources: only what the command needs', () => {
    assertBuilt();
    const files = packList();
    expect(files.filter((f) => f.startsWith('tests/') || f.endsWith('.map') || f.endsWith('.ts'))).toEqual([]);
    expect(files.filter((f) => !ALLOWED.some((re) => re.test(f)))).toEqual([]);
    for (const needed of ['dist/cli/cli.js', 'dist/cli/scan-worker.js', 'dist/cli/copy-worker.js', 'dist/cli/sync-worker.js', 'dist/cli/watch-worker.js', 'dist/man/folder-sync.1', 'dist/completions/folder-sync.bash', 'README.md']) {
      expect(files).toContain(needed);
    }
  });

  it('installs with npm install -g from its tarball and runs from a folder outside the repository, without its node_modules', () => {
    assertBuilt();
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = path.join(work, `folder-sync-${pkg.version}.tgz`);
    const prefix = path.join(work, 'prefix');
    // With its install script, as a user's npm runs it: the addon is built from the shipped sources with cc.
    const install = (network: string): ReturnType<typeof spawnSync> =>
      spawnSync('npm', ['install', '-g', '--prefix', prefix, tarball, network, '--foreground-scripts', '--no-audit', '--no-fund'], { encoding: 'utf8' });
    // The dependencies' registry entries are cached after the first install; only a fresh machine asks the registry.
    let result = install('--offline');
    if (result.status !== 0) result = install('--prefer-offline');
    expect(result.status, String(result.stderr)).toBe(0);
    const installed = path.join(prefix, 'lib', 'node_modules', 'folder-sync');
    // The bundles carry their dependencies: the install brings only what the native addon's build needs.
    expect(fs.readdirSync(path.join(installed, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual(['node-api-headers']);
    fs.rmSync(path.join(installed, 'node_modules'), { recursive: true, force: true });
    const addon = path.join(installed, 'native', 'build', 'folder_sync.node');
    const hasCompiler = spawnSync('cc', ['--version']).status === 0;
    expect(fs.existsSync(addon), String(result.stderr)).toBe(hasCompiler);
    expect(fs.existsSync(path.join(prefix, 'share', 'man', 'man1', 'folder-sync.1'))).toBe(true);

    const user = makeUserHome();
    try {
      const bin = path.join(prefix, 'bin', 'folder-sync');
      const run = (args: string[]): ReturnType<typeof spawnSync> => spawnSync(bin, args, { cwd: user.work, env: user.env, encoding: 'utf8' });
      expect(run(['--version']).stdout).toBe(`folder-sync ${pkg.version}\n`);
      const source = path.join(user.home, 'Documents');
      fs.mkdirSync(path.join(source, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(source, 'sub', 'a.txt'), 'installed');
      const replica = path.join(user.home, 'Backup');
      // FOLDER_SYNC_NATIVE=1 makes a missing addon an error: the installed command found the addon it built.
      const once = spawnSync(bin, ['-s', source, '-r', replica, '--once'], { cwd: user.work, env: { ...user.env, FOLDER_SYNC_NATIVE: hasCompiler ? '1' : '0' }, encoding: 'utf8' });
      expect(once.status, String(once.stderr)).toBe(0);
      expect(treeOf(replica)).toEqual(treeOf(source));
      // Without the addon (no compiler at install), the same command works on the JavaScript fallback.
      fs.rmSync(addon, { force: true });
      fs.writeFileSync(path.join(source, 'sub', 'b.txt'), 'fallback');
      const fallback = spawnSync(bin, ['-s', source, '-r', replica, '--once'], { cwd: user.work, env: { ...user.env, FOLDER_SYNC_NATIVE: '' }, encoding: 'utf8' });
      expect(fallback.status, String(fallback.stderr)).toBe(0);
      expect(treeOf(replica)).toEqual(treeOf(source));
      const log = fs.readFileSync(path.join(user.state, 'folder-sync', 'logs', 'folder-sync.log'), 'utf8');
      expect(log).toMatch(/\] copy {4}sub\/a\.txt\n/);
    } finally {
      fs.rmSync(user.root, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('the man page and the completions', () => {
  const options = parseHelpOptions(OPTIONS_TEXT);
  const forms = options.flatMap((o) => o.forms);
  const has = (tool: string): boolean => spawnSync(tool, ['--version']).status === 0;

  it('the man page renders without warnings and names every option of --help', () => {
    assertBuilt();
    const page = 'dist/man/folder-sync.1';
    const rendered = spawnSync('man', ['--warnings', '-l', page], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '100', MAN_KEEP_FORMATTING: '' } });
    if (rendered.error === undefined) {
      expect(rendered.stderr).toBe('');
      for (const form of forms) expect(rendered.stdout, form).toContain(form);
    }
    const roff = fs.readFileSync(page, 'utf8');
    for (const form of forms) expect(roff, form).toContain(form.replace(/-/g, '\\-'));
  });

  const shells = [
    ['bash', 'dist/completions/folder-sync.bash'],
    ['zsh', 'dist/completions/_folder-sync'],
    ['fish', 'dist/completions/folder-sync.fish'],
  ] as const;
  for (const [shell, file] of shells) {
    it(`the ${shell} completion names every option of --help and parses (${shell} -n, where ${shell} is installed)`, () => {
      assertBuilt();
      const text = fs.readFileSync(file, 'utf8');
      for (const option of options) {
        for (const form of option.forms) {
          // fish spells forms as -s s / -l long.
          const spelled = shell === 'fish' ? (form.startsWith('--') ? `-l ${form.slice(2)} ` : `-s ${form.slice(1)} `) : form;
          expect(text, form).toContain(spelled);
        }
      }
      if (has(shell)) expect(spawnSync(shell, ['-n', file], { encoding: 'utf8' }).stderr).toBe('');
      else console.log(`${shell} is not installed: ${file} only checked for its options`);
    });
  }

  it('the bash completion completes options and folders', () => {
    const complete = (words: string[]): string =>
      execFileSync('bash', ['-c', `source dist/completions/folder-sync.bash; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _folder_sync; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' }).trim();
    expect(complete(['folder-sync', '--dry'])).toBe('--dry-run');
    expect(complete(['folder-sync', '--cross'])).toBe('--cross-file-systems');
    fs.mkdirSync(path.join(work, 'only-dir'), { recursive: true });
    expect(complete(['folder-sync', '-s', path.join(work, 'only-d')])).toBe(path.join(work, 'only-dir'));
  });
});
