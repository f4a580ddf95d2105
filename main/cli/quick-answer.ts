/**
 * What `--help` and `--version` print: answers about the command itself, which need none of the rest of it. The
 * entry (main/cli.ts) prints them without loading the chunk that runs syncs; runCli prints the same text.
 */
import os from 'node:os';
import { parseCliArgs, type ParsedCommand } from './args.js';
import { HELP_TEXT } from './help-text.js';
import { readVersion } from './version.js';

/** The text a command that asks for no run prints. */
export function answerOf(command: Exclude<ParsedCommand, { kind: 'run' }>): string {
  return command.kind === 'help' ? HELP_TEXT : `folder-sync ${readVersion()}\n`;
}

/** The same for a command line, read as runCli reads it; undefined for a run or a mistake (runCli says what is wrong). */
export function quickAnswer(argv: readonly string[]): string | undefined {
  let command: ParsedCommand;
  try {
    command = parseCliArgs(argv, { cwd: process.cwd(), env: process.env, homedir: os.homedir() });
  } catch {
    return undefined;
  }
  return command.kind === 'run' ? undefined : answerOf(command);
}
