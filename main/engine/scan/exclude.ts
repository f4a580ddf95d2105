import picomatch from 'picomatch';
import { baseName, display } from '../fs/paths.js';

/** Decides whether a relative byte-string path is excluded: globs match the whole relative path or the basename. */
export type ExcludeMatcher = (rel: string, isDir: boolean) => boolean;

export function createExcludeMatcher(globs: readonly string[] | undefined): ExcludeMatcher | undefined {
  const patterns = (globs ?? []).map((glob) => glob.replace(/\/+$/, '')).filter((glob) => glob !== '');
  if (patterns.length === 0) return undefined;
  const isMatch = picomatch(patterns, { dot: true });
  return (rel) => {
    const text = display(rel);
    return isMatch(text) || isMatch(display(baseName(rel)));
  };
}
