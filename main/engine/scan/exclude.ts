import ignore, { type Ignore } from 'ignore';
import { display } from '../fs/paths.js';

/**
 * Decides whether a relative byte-string path is excluded. `isDir`: the entry is a folder, which a rule ending in
 * `/` needs (gitignore's `build/` matches a folder named build, never a file).
 */
export type ExcludeMatcher = (rel: string, isDir: boolean) => boolean;

/**
 * The ignore package remembers the answer for every path it is asked about, for the life of the matcher: a scan of
 * a million entries would keep a million answers. Past this many questions the matcher starts afresh (its rules
 * compile again in microseconds; a deep path re-tests its folders once).
 */
const REMEMBERED_ANSWERS = 50_000;

/**
 * `rules` are gitignore lines (man gitignore), in gitignore's order: a later line overrides an earlier one, and a
 * path below an excluded folder stays excluded. Matched exactly as git matches a .gitignore at the root of the tree,
 * case-sensitively, against the path shown as UTF-8.
 */
export function createExcludeMatcher(rules: readonly string[] | undefined): ExcludeMatcher | undefined {
  const lines = rules ?? [];
  if (!lines.some((line) => line.trim() !== '' && !line.startsWith('#'))) return undefined;
  const fresh = (): Ignore => ignore({ ignorecase: false }).add(lines);
  let matcher = fresh();
  let asked = 0;
  return (rel, isDir) => {
    asked += 1;
    if (asked > REMEMBERED_ANSWERS) {
      matcher = fresh();
      asked = 0;
    }
    const text = display(rel);
    return matcher.ignores(isDir ? `${text}/` : text);
  };
}
