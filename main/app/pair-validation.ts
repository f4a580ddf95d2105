/**
 * Checks of one pair as the user typed it. Each problem is one sentence attached to the field it is about, so
 * the settings page can show it next to that field. `checkPairFields` is pure (used on load and on every
 * save); `checkPairOnDisk` looks at the folders themselves.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, overlapOf, sideFolderPlace, validatePair } from '../engine/index.js';
import { IntervalError, parseInterval } from '../shared/interval.js';
import { MAX_TRASH_DAYS } from '../shared/ipc-contract.js';
import { maxDeleteSettingProblem } from '../shared/max-delete.js';
import type { FieldError, PairField, PairInput } from '../shared/ipc-contract.js';

const FOLDER_NAMES = { source: 'source folder', replica: 'replica folder', logDir: 'log folder', trashDir: 'trash folder' } as const;

function folderProblem(value: string, field: keyof typeof FOLDER_NAMES): string | null {
  const name = FOLDER_NAMES[field];
  if (value.trim() === '') return `Choose a ${name}.`;
  if (value.includes('\0')) return `The ${name} path contains a NUL character.`;
  if (!path.isAbsolute(value)) return `The ${name} must be an absolute path, not "${value}".`;
  return null;
}

function intervalProblem(value: string): string | null {
  try {
    parseInterval(value);
    return null;
  } catch (error) {
    if (error instanceof IntervalError) return error.message;
    throw error;
  }
}

function excludesProblem(excludes: readonly string[]): string | null {
  for (const glob of excludes) {
    if (glob.trim() === '') return 'An exclude pattern is empty: remove the blank line.';
    if (/[\0\n\r]/.test(glob)) return `The exclude pattern "${glob}" contains a control character.`;
  }
  return null;
}

function keepDaysProblem(days: number): string | null {
  if (Number.isInteger(days) && days >= 1 && days <= MAX_TRASH_DAYS) return null;
  return `Keep deleted files for a whole number of days, from 1 to ${MAX_TRASH_DAYS}.`;
}

/** Problems that need no disk access: empty or relative paths, a bad interval, bad excludes, a bad deletion limit. */
export function checkPairFields(pair: PairInput, pairIndex: number): FieldError[] {
  const errors: FieldError[] = [];
  const add = (field: PairField, message: string | null): void => {
    if (message !== null) errors.push({ pairIndex, field, message });
  };
  add('source', folderProblem(pair.source, 'source'));
  add('replica', folderProblem(pair.replica, 'replica'));
  add('interval', intervalProblem(pair.interval));
  add('logDir', folderProblem(pair.logDir, 'logDir'));
  add('excludes', excludesProblem(pair.excludes));
  add('maxDelete', maxDeleteSettingProblem(pair.maxDelete));
  // Switched off, the trash settings are only remembered, not used: nothing to check.
  if (pair.trash.enabled) {
    add('trashDir', folderProblem(pair.trash.dir, 'trashDir'));
    add('trashKeepDays', keepDaysProblem(pair.trash.keepDays));
  }
  return errors;
}

async function statOrNull(p: string): Promise<import('node:fs').Stats | null> {
  try {
    return await fs.stat(p);
  } catch {
    return null;
  }
}

/**
 * Problems with the folders themselves: a missing source, a replica that is a file or overlaps the source, a
 * log folder that is a file, a trash folder the engine would refuse. Only for pairs whose fields passed
 * `checkPairFields`.
 */
export async function checkPairOnDisk(pair: PairInput, pairIndex: number, stateDir?: string): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const source = await statOrNull(pair.source);
  if (source === null) {
    errors.push({ pairIndex, field: 'source', message: `The source folder "${pair.source}" does not exist.` });
  } else if (!source.isDirectory()) {
    errors.push({ pairIndex, field: 'source', message: `The source "${pair.source}" is a file, not a folder.` });
  }
  const replica = await statOrNull(pair.replica);
  if (replica !== null && !replica.isDirectory()) {
    errors.push({ pairIndex, field: 'replica', message: `The replica "${pair.replica}" is a file, not a folder.` });
  } else {
    // The engine's own check (symlinks, `..`, bind mounts), so the page refuses exactly what a run would.
    const overlap = overlapOf(pair.replica, pair.source);
    if (overlap?.kind === 'same') {
      errors.push({ pairIndex, field: 'replica', message: 'The replica folder must not be the source folder itself.' });
    } else if (overlap?.kind === 'first-inside') {
      errors.push({ pairIndex, field: 'replica', message: 'The replica folder must not be inside the source folder.' });
    } else if (overlap?.kind === 'second-inside') {
      errors.push({ pairIndex, field: 'replica', message: 'The replica folder must not contain the source folder.' });
    }
  }
  const logDir = await statOrNull(pair.logDir);
  const logPlace = logDir !== null && !logDir.isDirectory() ? 'file' : sideFolderPlace(pair.logDir, pair);
  if (logPlace === 'file') {
    errors.push({ pairIndex, field: 'logDir', message: `The log folder "${pair.logDir}" is a file, not a folder.` });
  } else if (logPlace === 'replica') {
    // The mirror deletes whatever the source lacks: a log inside the replica would be wiped by every run.
    errors.push({ pairIndex, field: 'logDir', message: 'The log folder must not be inside the replica folder: each sync would delete it.' });
  } else if (logPlace === 'source' && pair.watch) {
    // Each run writes the log, which changes the source, which the watcher answers with the next run.
    errors.push({ pairIndex, field: 'logDir', message: 'The log folder is inside the source, so with "Watch for changes" on each sync would start the next: choose a log folder outside the source.' });
  }
  if (stateDir !== undefined) errors.push(...stateDirProblems(stateDir, pair, pairIndex));
  if (errors.length === 0 && pair.trash.enabled) {
    const trashError = await trashProblem(pair);
    if (trashError !== null) errors.push({ pairIndex, field: 'trashDir', message: trashError });
  }
  return errors;
}

/**
 * The app keeps each pair's record in its own data folder, which the user does not choose but may pick a source or
 * replica around (the home folder): the command line's rule for --state-dir, told on the folder that holds it.
 */
function stateDirProblems(stateDir: string, pair: PairInput, pairIndex: number): FieldError[] {
  const place = sideFolderPlace(stateDir, pair);
  if (place === 'replica') {
    return [{ pairIndex, field: 'replica', message: `The replica folder must not hold the app's state folder "${stateDir}": each sync would delete it.` }];
  }
  if (place === 'source' && pair.watch) {
    const message = `The source folder must not hold the app's state folder "${stateDir}" while watching for changes: each sync would start the next.`;
    return [{ pairIndex, field: 'source', message }];
  }
  return [];
}

async function configProblem(check: Promise<void>): Promise<string | null> {
  try {
    await check;
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

/**
 * The engine's own rule for the trash folder (not inside or equal to the replica or the source, not holding the
 * replica, creatable), so the settings page refuses exactly what a run would. The pair is checked without the
 * trash first: a problem that is not the trash's (an unplugged replica drive) is left to the run to report.
 */
async function trashProblem(pair: PairInput): Promise<string | null> {
  const base = { source: pair.source, replica: pair.replica };
  if ((await configProblem(validatePair(base))) !== null) return null;
  return configProblem(validatePair({ ...base, trash: { dir: pair.trash.dir, keepDays: pair.trash.keepDays } }));
}

/** Two pairs writing into the same replica would undo each other's work. */
export function checkPairsTogether(pairs: readonly PairInput[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  pairs.forEach((pair, pairIndex) => {
    if (!path.isAbsolute(pair.replica)) return; // already reported on the field itself
    const key = path.resolve(pair.replica);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ pairIndex, field: 'replica', message: `Pair ${first + 1} already uses this replica folder.` });
    } else {
      seen.set(key, pairIndex);
    }
  });
  return errors;
}
