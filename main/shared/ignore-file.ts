/**
 * The per-pair ignore file: `.folder-sync-ignore` at the top of the source, in gitignore's syntax (as Syncthing's
 * `.stignore` is for a folder). It is read at the start of every run, so an edit takes effect at the next one; it
 * is an ordinary file of the source and is mirrored too, unless it excludes itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../engine/index.js';

export const IGNORE_FILE_NAME = '.folder-sync-ignore';

/** The file's lines ([] when there is none). An unreadable one is an error: silently dropping its rules would mirror what it excludes. */
export function readIgnoreFile(source: string): string[] {
  const file = path.join(source, IGNORE_FILE_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    throw new ConfigError(`Cannot read the ignore file "${file}": ${code ?? String(error)}.`);
  }
  return splitLines(text);
}

/** gitignore's own line split: LF or CRLF. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
