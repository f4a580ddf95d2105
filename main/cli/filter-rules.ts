/**
 * --include, --exclude, --exclude-from and the source's .folder-sync-ignore, made into the one list of gitignore
 * lines the engine matches (SyncOptions.excludes: a later line overrides an earlier one).
 *
 * The order gives rsync users what they expect: between --include and --exclude on the command line the first
 * that matches wins. gitignore lets the last matching line win, so the command line's rules go in reverse order,
 * each --include as a `!` line. Each --exclude-from FILE is one block in that command-line order, its own lines
 * kept in the file's order (it is a gitignore file). The ignore file comes first of all: the command line
 * overrides it.
 */
import fs from 'node:fs';
import ignore from 'ignore';
import { ConfigError } from '../engine/index.js';
import { readIgnoreFile, splitLines } from '../shared/ignore-file.js';

export type FilterSource =
  | { readonly kind: 'exclude' | 'include'; readonly pattern: string }
  | { readonly kind: 'from'; readonly file: string };

/** The command line's filters with each --exclude-from file read: blocks of gitignore lines, first block wins. */
export type FilterBlocks = ReadonlyArray<readonly string[]>;

/**
 * A command-line pattern as one gitignore line. A leading `!` or `#` is taken literally there (--include is how to
 * take a path back, and a shell argument is no comment).
 */
function literalLine(pattern: string): string {
  return /^[!#]/.test(pattern) ? `\\${pattern}` : pattern;
}

export function readFilterBlocks(filters: readonly FilterSource[]): FilterBlocks {
  return filters.map((filter) => {
    if (filter.kind !== 'from') return [filter.kind === 'exclude' ? literalLine(filter.pattern) : `!${literalLine(filter.pattern)}`];
    try {
      return splitLines(fs.readFileSync(filter.file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`Cannot read the --exclude-from file "${filter.file}": ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
    }
  });
}

/** All rules in gitignore order: the ignore file's, then the command line's blocks from the last to the first. */
export function gitignoreLines(ignoreFileLines: readonly string[], blocks: FilterBlocks): string[] {
  return [...ignoreFileLines, ...[...blocks].reverse().flat()];
}

/** The exclude rules of a run: the source's ignore file as it is now, then the command line's. */
export function excludeRulesOf(source: string, blocks: FilterBlocks): string[] {
  return gitignoreLines(readIgnoreFile(source), blocks);
}

const GLOB = /[*?[\\]/;

function isRule(line: string): boolean {
  return line.trim() !== '' && !line.startsWith('#');
}

/** The folders a `!` rule's path lies in, when they are spelled out (no wildcard): `!a/b/c.md` → `a/`, `a/b/`. */
function literalFolders(negated: string): string[] {
  const body = negated.replace(/^\//, '').replace(/\/+$/, '');
  const parts = body.split('/');
  const folders: string[] = [];
  for (let i = 1; i < parts.length; i += 1) {
    const folder = parts.slice(0, i).join('/');
    if (GLOB.test(folder)) break;
    folders.push(`${folder}/`);
  }
  return folders;
}

/**
 * Lines that can never do what they say, decided from the rules alone: a trailing space (gitignore drops it), a
 * trailing backslash (gitignore matches nothing with it), and a `!` rule below a folder that the rules exclude
 * (git never looks inside an excluded folder, so nothing there can be taken back).
 */
export function ruleWarnings(lines: readonly string[]): string[] {
  const warnings: string[] = [];
  const all = ignore({ ignorecase: false }).add([...lines]);
  for (const line of lines.filter(isRule)) {
    if (/(?<!\\)[ \t]+$/.test(line) && !/\\$/.test(line.trimEnd())) {
      warnings.push(`the pattern "${line}" ends in a space, which gitignore's syntax drops; write "${line.trimEnd()}\\ " to match a name ending in a space`);
    } else if (/(?<!\\)(?:\\\\)*\\$/.test(line)) {
      warnings.push(`the pattern "${line}" ends in a backslash, so it can never match`);
    }
    if (!line.startsWith('!')) continue;
    const excluded = literalFolders(line.slice(1)).find((folder) => all.ignores(folder));
    if (excluded !== undefined) {
      warnings.push(`"${line}" can never take a path back: the folder "${excluded}" is excluded, and nothing inside an excluded folder is looked at`);
    }
  }
  return warnings;
}
