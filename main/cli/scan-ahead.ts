/**
 * Starts scanning the pair's two trees before the rest of the command line has loaded. In a run that changed
 * nothing the scans are nearly all the work, and loading the modules that write the log and watch the source
 * then overlaps them instead of going first. Reading is harmless: a command that turns out to be a
 * mistake (exit code 2) has still changed nothing. Only what a scan needs is imported here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isSmallRecord, recordFileFor, ScansAhead, toByteString } from '../engine/index.js';
import { parseCliArgs } from './args.js';
import { excludeRulesOf, readFilterBlocks } from './filter-rules.js';

/** The scans of the first run `argv` asks for, started; undefined when it asks for none or is a mistake. */
export function scanAhead(argv: readonly string[]): ScansAhead | undefined {
  let command;
  try {
    command = parseCliArgs(argv, { cwd: process.cwd(), env: process.env, homedir: os.homedir() });
  } catch {
    return undefined; // runCli says what is wrong
  }
  if (command.kind !== 'run') return undefined;
  const { source, replica, stateDir } = command.config;
  let excludes: string[];
  try {
    excludes = excludeRulesOf(command.config.source, readFilterBlocks(command.config.filters));
  } catch {
    return undefined; // an unreadable --exclude-from or ignore file: runCli says so
  }
  const smallTree = isSmallRecord(recordFileFor(stateDir, path.resolve(source), path.resolve(replica)));
  const ahead = new ScansAhead();
  // The same requests as the run's (runSync): a replica scan never crosses into another file system.
  const requests = [
    [source, { excludes, sameDevice: true, smallTree }],
    [replica, { excludes, sameDevice: true, smallTree }],
  ] as const;
  for (const [root, request] of requests) {
    const real = folderRealPath(root);
    if (real !== undefined) ahead.start(toByteString(real), request);
  }
  return ahead;
}

function folderRealPath(folder: string): string | undefined {
  try {
    const real = fs.realpathSync(folder);
    return fs.statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}
