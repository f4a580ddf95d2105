/**
 * The exclude syntax is gitignore's, exactly: every example of `man gitignore` ("PATTERN FORMAT" and "EXAMPLES"),
 * on a real tree, scanned by the engine with our matcher, must leave the files git itself leaves (`git ls-files
 * --others --exclude-standard` with the rules in .git/info/exclude, which reads as a .gitignore at the top).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createExcludeMatcher } from '../../main/engine/scan/exclude.js';
import { scanTree } from '../../main/engine/scan/walk.js';
import { toByteString } from '../../main/engine/fs/paths.js';
import { gitignoreLines, readFilterBlocks, ruleWarnings } from '../../main/cli/filter-rules.js';
import { tempDir } from '../helpers/tree.js';

const hasGit = spawnSync('git', ['--version']).status === 0;
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

/** Files (not folders) our matcher leaves in a tree of `files` (a trailing '/' makes an empty folder). */
function oursKeeps(files: readonly string[], rules: readonly string[]): string[] {
  const root = tempDir('fs-rules-');
  dirs.push(root);
  plant(root, files);
  const exclude = createExcludeMatcher(rules);
  const scan = scanTree(toByteString(root), exclude ? { exclude } : {});
  return [...scan.entries].filter(([, e]) => e.kind !== 'dir').map(([rel]) => rel).sort();
}

function gitKeeps(files: readonly string[], rules: readonly string[]): string[] {
  const root = tempDir('fs-git-');
  dirs.push(root);
  expect(spawnSync('git', ['init', '-q', root]).status).toBe(0);
  fs.writeFileSync(path.join(root, '.git', 'info', 'exclude'), `${rules.join('\n')}\n`);
  plant(root, files);
  const out = spawnSync('git', ['-C', root, '-c', 'core.quotePath=false', 'ls-files', '--others', '--exclude-standard'], { encoding: 'utf8' });
  return out.stdout.split('\n').filter((l) => l !== '').sort();
}

function plant(root: string, files: readonly string[]): void {
  for (const rel of files) {
    const abs = path.join(root, rel);
    if (rel.endsWith('/')) fs.mkdirSync(abs, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, rel);
    }
  }
}

const EXAMPLES: ReadonlyArray<{ readonly name: string; readonly rules: readonly string[]; readonly files: readonly string[] }> = [
  { name: 'hello.* at any level', rules: ['hello.*'], files: ['hello.txt', 'hello.c', 'a/hello.java', 'a/hello', 'other.txt'] },
  { name: '/hello.* only at the top', rules: ['/hello.*'], files: ['hello.txt', 'hello.c', 'a/hello.java'] },
  { name: 'foo/ matches a folder and what is below it, not a file foo', rules: ['foo/'], files: ['foo/x.txt', 'a/foo/y.txt', 'b/foo', 'foo.txt'] },
  { name: 'doc/frotz and /doc/frotz are the same', rules: ['doc/frotz'], files: ['doc/frotz/a.txt', 'a/doc/frotz/b.txt', 'doc/frotzer'] },
  { name: '/doc/frotz', rules: ['/doc/frotz'], files: ['doc/frotz/a.txt', 'a/doc/frotz/b.txt'] },
  { name: 'doc/frotz/ only that folder', rules: ['doc/frotz/'], files: ['doc/frotz/a.txt', 'a/doc/frotz/b.txt', 'x/frotz/c.txt'] },
  { name: 'frotz/ at any level', rules: ['frotz/'], files: ['frotz/a.txt', 'a/frotz/b.txt', 'c/frotz'] },
  { name: 'foo/* does not reach foo/bar/hello.c', rules: ['foo/*', '!foo/bar/'], files: ['foo/test.json', 'foo/bar/hello.c', 'foo/baz/x'] },
  { name: '*.[oa], *.html except foo.html', rules: ['*.[oa]', '*.html', '!foo.html'], files: ['Documentation/foo.html', 'Documentation/gitignore.html', 'file.o', 'lib.a', 'src/internal.o', 'src/keep.c'] },
  { name: 'vmlinux* taken back as !/vmlinux* at the top', rules: ['vmlinux*', '!/vmlinux*'], files: ['vmlinux', 'arch/foo/kernel/vmlinux.lds.S'] },
  { name: 'everything except foo/bar', rules: ['/*', '!/foo', '/foo/*', '!/foo/bar'], files: ['top.txt', 'other/z.txt', 'foo/baz/y.txt', 'foo/bar/x.txt', 'foo/f.txt'] },
  { name: '**/foo anywhere, **/foo/bar directly under foo', rules: ['**/foo', '**/foo/bar'], files: ['foo', 'a/foo/x', 'b/c/foo', 'd/foo2/bar', 'e/x/bar'] },
  { name: '**/foo/bar', rules: ['**/foo/bar'], files: ['foo/bar', 'a/foo/bar', 'a/foo/baz', 'a/bar'] },
  { name: 'abc/** everything inside', rules: ['abc/**'], files: ['abc/x', 'abc/d/e/f', 'x/abc/y', 'abc.txt'] },
  { name: 'a/**/b zero or more folders', rules: ['a/**/b'], files: ['a/b', 'a/x/b', 'a/x/y/b', 'a/bb', 'c/a/b'] },
  { name: 'comments, a hash and a bang kept by a backslash', rules: ['# a comment', '\\#hash', '\\!important!.txt', ''], files: ['#hash', '!important!.txt', '# a comment', 'plain'] },
  { name: 'trailing spaces dropped unless escaped', rules: ['trail  ', 'esc\\ '], files: ['trail', 'trail  ', 'esc ', 'esc'] },
  { name: '? and ranges', rules: ['?.md', 'x[0-9].txt'], files: ['a.md', 'ab.md', 'x1.txt', 'xa.txt', 'd/b.md'] },
  { name: 'a name that is only dots, and a UTF-8 name', rules: ['*.tmp', 'é*'], files: ['...', '..hidden', 'ébauche', 'e.tmp'] },
];

describe.skipIf(!hasGit)('exclude rules match what git ignores (man gitignore, PATTERN FORMAT and EXAMPLES)', () => {
  for (const example of EXAMPLES) {
    it(example.name, () => {
      const git = gitKeeps(example.files, example.rules);
      expect(oursKeeps(example.files, example.rules)).toEqual(git);
    });
  }
});

describe('the command line as gitignore lines', () => {
  it('first match wins between --include and --exclude, as in rsync; --exclude-from blocks keep their own order', () => {
    const from = path.join(tempDir('fs-from-'), 'rules');
    dirs.push(path.dirname(from));
    fs.writeFileSync(from, '*.log\n!keep.log\n');
    const blocks = readFilterBlocks([
      { kind: 'include', pattern: 'important.tmp' },
      { kind: 'exclude', pattern: '*.tmp' },
      { kind: 'from', file: from },
      { kind: 'exclude', pattern: '!odd' },
    ]);
    expect(gitignoreLines(['/build'], blocks)).toEqual(['/build', '\\!odd', '*.log', '!keep.log', '*.tmp', '!important.tmp']);
    const matcher = createExcludeMatcher(gitignoreLines([], blocks))!;
    expect(matcher('important.tmp', false)).toBe(false);
    expect(matcher('other.tmp', false)).toBe(true);
    expect(matcher('keep.log', false)).toBe(false);
    expect(matcher('!odd', false)).toBe(true);
    // rsync's classic "--exclude '*.tmp' --include important.tmp" excludes it: the exclude came first.
    const rsyncOrder = createExcludeMatcher(gitignoreLines([], readFilterBlocks([{ kind: 'exclude', pattern: '*.tmp' }, { kind: 'include', pattern: 'important.tmp' }])))!;
    expect(rsyncOrder('important.tmp', false)).toBe(true);
  });

  it('sub/ matches folders only; the matcher is told which an entry is', () => {
    const matcher = createExcludeMatcher(['sub/'])!;
    expect(matcher('sub', true)).toBe(true);
    expect(matcher('sub', false)).toBe(false);
    expect(matcher('a/sub', true)).toBe(true);
    // The scan asks after lstat, so the folder itself is left out (not only what is inside it) and a file keeps its name.
    const root = tempDir('fs-rules-');
    dirs.push(root);
    plant(root, ['sub/x.txt', 'dir/sub', 'build/', 'keep/build']);
    const scan = scanTree(toByteString(root), { exclude: createExcludeMatcher(['sub/', 'build/'])! });
    expect([...scan.entries.keys()].sort()).toEqual(['dir', 'dir/sub', 'keep', 'keep/build']);
  });

  it('warns about what can never match, and about nothing else', () => {
    expect(ruleWarnings(['docs/', '!docs/keep.md', '*.tmp', '!keep.tmp', 'name\\ ', '# comment '])).toEqual([
      '"!docs/keep.md" can never take a path back: the folder "docs/" is excluded, and nothing inside an excluded folder is looked at',
    ]);
    expect(ruleWarnings(['x ', 'y\\'])).toEqual([
      'the pattern "x " ends in a space, which gitignore\'s syntax drops; write "x\\ " to match a name ending in a space',
      'the pattern "y\\" ends in a backslash, so it can never match',
    ]);
    // Taken back at the folder first, the path inside can be taken back too.
    expect(ruleWarnings(['docs/*', '!docs/keep.md'])).toEqual([]);
  });
});
