/**
 * The settings file's shape and its check on load. The file is data a user (or a crash) may have damaged, so
 * it is parsed from `unknown` field by field; any mismatch is one sentence naming the field.
 */
import { DEFAULT_TRASH_DAYS, PAIR_ID_PATTERN } from '../shared/ipc-contract.js';
import type { PairSettings, TrashSettings } from '../shared/ipc-contract.js';
import { checkPairFields, checkPairsTogether } from './pair-validation.js';

export const SETTINGS_VERSION = 1;

/** What settings.json holds. Start at login is not here: the autostart file itself is the truth for that. */
export interface StoredSettings {
  readonly version: typeof SETTINGS_VERSION;
  readonly pairs: readonly PairSettings[];
  readonly notifyOnFailure: boolean;
}

export const DEFAULT_SETTINGS: StoredSettings = { version: SETTINGS_VERSION, pairs: [], notifyOnFailure: true };

export class SettingsFormatError extends Error {
  override name = 'SettingsFormatError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(record: Record<string, unknown>, key: string, where: string, check: (v: unknown) => v is T, kind: string): T {
  const value = record[key];
  if (!check(value)) throw new SettingsFormatError(`${where}.${key} must be ${kind}.`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Files written before "keep deleted files" existed have no `trash`: it is off for them. */
export const DEFAULT_TRASH: TrashSettings = { enabled: false, dir: '', keepDays: DEFAULT_TRASH_DAYS };

function parseTrash(value: unknown, where: string): TrashSettings {
  if (value === undefined) return DEFAULT_TRASH;
  if (!isRecord(value)) throw new SettingsFormatError(`${where} must be an object.`);
  return {
    enabled: field(value, 'enabled', where, isBoolean, 'true or false'),
    dir: field(value, 'dir', where, isString, 'a string'),
    keepDays: field(value, 'keepDays', where, isNumber, 'a number'),
  };
}

function parsePair(value: unknown, index: number): PairSettings {
  const where = `pairs[${index}]`;
  if (!isRecord(value)) throw new SettingsFormatError(`${where} must be an object.`);
  const id = field(value, 'id', where, isString, 'a string');
  if (id === '') throw new SettingsFormatError(`${where}.id must not be empty.`);
  // The id names the pair's state folder: "../../x" would put it outside the app's data folder.
  if (!PAIR_ID_PATTERN.test(id)) throw new SettingsFormatError(`${where}.id must be letters, digits and "-" only, found ${JSON.stringify(id)}.`);
  return {
    id,
    source: field(value, 'source', where, isString, 'a string'),
    replica: field(value, 'replica', where, isString, 'a string'),
    interval: field(value, 'interval', where, isString, 'a string'),
    logDir: field(value, 'logDir', where, isString, 'a string'),
    excludes: field(value, 'excludes', where, isStringArray, 'a list of strings'),
    watch: field(value, 'watch', where, isBoolean, 'true or false'),
    enabled: field(value, 'enabled', where, isBoolean, 'true or false'),
    trash: parseTrash(value.trash, `${where}.trash`),
    // Files written before the deletion limit existed have none: no limit, as before.
    maxDelete: value.maxDelete === undefined ? '' : field(value, 'maxDelete', where, isString, 'a string'),
  };
}

/** Checks the shape of a parsed settings file; throws SettingsFormatError naming the first bad field. */
export function parseStoredSettings(value: unknown): StoredSettings {
  if (!isRecord(value)) throw new SettingsFormatError('The settings must be a JSON object.');
  if (value.version !== SETTINGS_VERSION) {
    throw new SettingsFormatError(`version must be ${SETTINGS_VERSION}, found ${JSON.stringify(value.version)}.`);
  }
  if (!Array.isArray(value.pairs)) throw new SettingsFormatError('pairs must be a list.');
  const pairs = value.pairs.map(parsePair);
  // A hand-edited file must not smuggle in what the settings page would refuse (relative paths, bad interval).
  const problem = [...pairs.flatMap((pair, index) => checkPairFields(pair, index)), ...checkPairsTogether(pairs)][0];
  if (problem !== undefined) throw new SettingsFormatError(`pairs[${problem.pairIndex}]: ${problem.message}`);
  const ids = new Set<string>();
  for (const pair of pairs) {
    if (ids.has(pair.id)) throw new SettingsFormatError(`Two pairs have the same id "${pair.id}".`);
    ids.add(pair.id);
  }
  return {
    version: SETTINGS_VERSION,
    pairs,
    notifyOnFailure: field(value, 'notifyOnFailure', 'settings', isBoolean, 'true or false'),
  };
}
