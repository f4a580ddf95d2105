/**
 * Checks every IPC argument from the page before it reaches anything. The page is trusted code, but a
 * compromised renderer is exactly what these checks are for: shapes are checked exactly (no extra keys),
 * strings are bounded, and fresh objects are built so nothing but plain data goes further.
 */
import { PAIR_ID_PATTERN } from '../shared/ipc-contract.js';
import type { FolderField, PairInput, PickFolderRequest, SettingsInput, TrashSettings } from '../shared/ipc-contract.js';

export class IpcArgumentError extends Error {
  override name = 'IpcArgumentError';
}

const MAX_PATH = 4096;
const MAX_PAIRS = 100;
const MAX_EXCLUDES = 1000;
const MAX_GLOB = 1024;
const MAX_INTERVAL = 64;
const MAX_LIMIT = 64;

function fail(message: string): never {
  throw new IpcArgumentError(message);
}

function record(value: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${where} must be an object.`);
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) fail(`${where} must be a plain object.`);
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) if (!keys.includes(key)) fail(`${where} has an unexpected field "${key}".`);
  for (const key of keys) if (!(key in obj)) fail(`${where} lacks the field "${key}".`);
  return obj;
}

function str(value: unknown, where: string, max: number): string {
  if (typeof value !== 'string') fail(`${where} must be a string.`);
  if (value.length > max) fail(`${where} is longer than ${max} characters.`);
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') fail(`${where} must be true or false.`);
  return value;
}

function num(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${where} must be a number.`);
  return value;
}

const PAIR_KEYS = ['id', 'source', 'replica', 'interval', 'logDir', 'excludes', 'watch', 'enabled', 'trash', 'maxDelete'] as const;

function asTrash(value: unknown, where: string): TrashSettings {
  const obj = record(value, where, ['enabled', 'dir', 'keepDays']);
  return { enabled: bool(obj.enabled, `${where}.enabled`), dir: str(obj.dir, `${where}.dir`, MAX_PATH), keepDays: num(obj.keepDays, `${where}.keepDays`) };
}

export function asPairInput(value: unknown, where = 'pair'): PairInput {
  const obj = record(value, where, PAIR_KEYS);
  const id = str(obj.id, `${where}.id`, 64);
  // Empty: a pair not saved yet.
  if (id !== '' && !PAIR_ID_PATTERN.test(id)) fail(`${where}.id has characters other than letters, digits and "-".`);
  if (!Array.isArray(obj.excludes)) fail(`${where}.excludes must be a list.`);
  if (obj.excludes.length > MAX_EXCLUDES) fail(`${where}.excludes has more than ${MAX_EXCLUDES} patterns.`);
  return {
    id,
    source: str(obj.source, `${where}.source`, MAX_PATH),
    replica: str(obj.replica, `${where}.replica`, MAX_PATH),
    interval: str(obj.interval, `${where}.interval`, MAX_INTERVAL),
    logDir: str(obj.logDir, `${where}.logDir`, MAX_PATH),
    excludes: obj.excludes.map((glob: unknown, i: number) => str(glob, `${where}.excludes[${i}]`, MAX_GLOB)),
    watch: bool(obj.watch, `${where}.watch`),
    enabled: bool(obj.enabled, `${where}.enabled`),
    trash: asTrash(obj.trash, `${where}.trash`),
    maxDelete: str(obj.maxDelete, `${where}.maxDelete`, MAX_LIMIT),
  };
}

export function asSettingsInput(value: unknown): SettingsInput {
  const obj = record(value, 'settings', ['pairs', 'notifyOnFailure', 'startAtLogin']);
  if (!Array.isArray(obj.pairs)) fail('settings.pairs must be a list.');
  if (obj.pairs.length > MAX_PAIRS) fail(`settings.pairs has more than ${MAX_PAIRS} pairs.`);
  return {
    pairs: obj.pairs.map((pair: unknown, i: number) => asPairInput(pair, `settings.pairs[${i}]`)),
    notifyOnFailure: bool(obj.notifyOnFailure, 'settings.notifyOnFailure'),
    startAtLogin: bool(obj.startAtLogin, 'settings.startAtLogin'),
  };
}

const FOLDER_FIELDS: readonly FolderField[] = ['source', 'replica', 'logDir', 'trashDir'];

export function asPickFolderRequest(value: unknown): PickFolderRequest {
  const obj = record(value, 'request', ['field', 'current']);
  const field = obj.field;
  if (typeof field !== 'string' || !(FOLDER_FIELDS as readonly string[]).includes(field)) fail('request.field must be source, replica, logDir or trashDir.');
  return { field: field as FolderField, current: str(obj.current, 'request.current', MAX_PATH) };
}

export function asPairIdOrNull(value: unknown): string | null {
  if (value === null) return null;
  const id = str(value, 'pairId', 64);
  if (!PAIR_ID_PATTERN.test(id)) fail('pairId is not a pair id.');
  return id;
}

export function asPairId(value: unknown): string {
  const id = asPairIdOrNull(value);
  if (id === null) fail('pairId must be a pair id.');
  return id;
}

export function asBoolean(value: unknown, where: string): boolean {
  return bool(value, where);
}

export function expectArgs(args: readonly unknown[], count: number, channel: string): void {
  if (args.length !== count) fail(`${channel} takes ${count} argument${count === 1 ? '' : 's'}, got ${args.length}.`);
}
