/**
 * What the settings page can do, behind the IPC handlers: read and save the settings (checked, then applied
 * at once), preview a pair's plan with a dry run, read the status, start a sync. No Electron here; the folder
 * picker comes in from the shell.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RunSummary, SyncOptions } from '../engine/index.js';
import { PREVIEW_LIMIT } from '../shared/ipc-contract.js';
import type {
  FieldError,
  PairInput,
  PairSettings,
  PickFolderRequest,
  PreviewResult,
  SaveResult,
  SettingsInput,
  SettingsView,
  StatusView,
} from '../shared/ipc-contract.js';
import type { InvokeEvent, IpcService } from '../ipc/register.js';
import { actionLine } from '../shared/log-format.js';
import { ChosenPaths } from './chosen-paths.js';
import { checkPairFields, checkPairOnDisk, checkPairsTogether } from './pair-validation.js';
import { pairSyncOptions } from './pair-sync-options.js';
import type { PairsController } from './pairs-controller.js';
import { runText } from './pairs-controller.js';
import { SETTINGS_VERSION } from './settings-schema.js';
import type { SettingsStore } from './settings-store.js';

export interface SettingsServiceDeps {
  readonly store: SettingsStore;
  readonly controller: PairsController;
  readonly autostart: { isEnabled(): Promise<boolean>; set(enabled: boolean): Promise<void> };
  runSync(options: SyncOptions): Promise<RunSummary>;
  stateDirFor(pairId: string): string;
  readonly defaultLogDir: string;
  newId(): string;
  pickFolder(request: PickFolderRequest, event: InvokeEvent): Promise<string | null>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The pair's state folder; for a pair not saved yet (no id, which no folder may be named), the folder that holds them. */
function stateDirOf(pairId: string, stateDirFor: (pairId: string) => string): string {
  return pairId === '' ? path.dirname(stateDirFor('new')) : stateDirFor(pairId);
}

/** Field checks, then (for pairs whose fields are fine) the folders themselves, the pair's state folder among them. */
async function checkPairs(pairs: readonly PairInput[], stateDirFor: (pairId: string) => string): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  for (const [index, pair] of pairs.entries()) {
    const fieldErrors = checkPairFields(pair, index);
    errors.push(...(fieldErrors.length > 0 ? fieldErrors : await checkPairOnDisk(pair, index, stateDirOf(pair.id, stateDirFor))));
  }
  errors.push(...checkPairsTogether(pairs));
  return errors;
}

function normalise(pair: PairInput): PairInput {
  return { ...pair, interval: pair.interval.trim(), excludes: pair.excludes.map((g) => g.trim()), maxDelete: pair.maxDelete.trim() };
}

export class SettingsService implements IpcService {
  private readonly chosen = new ChosenPaths();

  constructor(private readonly deps: SettingsServiceDeps) {}

  /** Folders the picker did not give (nor the settings on disk hold) are refused before anything looks at them. */
  private unchosen(pairs: readonly PairInput[]): FieldError[] {
    return this.chosen.check(pairs, this.deps.store.settings.pairs, this.deps.defaultLogDir);
  }

  async getSettings(): Promise<SettingsView> {
    const { pairs, notifyOnFailure } = this.deps.store.settings;
    return { pairs, notifyOnFailure, startAtLogin: await this.deps.autostart.isEnabled(), defaultLogDir: this.deps.defaultLogDir };
  }

  /** Nothing is written unless every field of every pair is valid. */
  async saveSettings(input: SettingsInput): Promise<SaveResult> {
    const candidates = input.pairs.map(normalise);
    const foreign = this.unchosen(candidates);
    if (foreign.length > 0) return { ok: false, errors: foreign };
    const errors = await checkPairs(candidates, this.deps.stateDirFor);
    if (errors.length > 0) return { ok: false, errors };
    const ids = new Set<string>();
    const pairs: PairSettings[] = candidates.map((pair) => {
      const id = pair.id === '' || ids.has(pair.id) ? this.deps.newId() : pair.id;
      ids.add(id);
      return { ...pair, id };
    });
    try {
      if ((await this.deps.autostart.isEnabled()) !== input.startAtLogin) await this.deps.autostart.set(input.startAtLogin);
    } catch (error) {
      return { ok: false, errors: [{ pairIndex: -1, field: 'startAtLogin', message: `Could not change start at login: ${messageOf(error)}` }] };
    }
    await this.deps.store.save({ version: SETTINGS_VERSION, pairs, notifyOnFailure: input.notifyOnFailure });
    this.deps.controller.apply(pairs);
    return { ok: true, settings: await this.getSettings() };
  }

  async pickFolder(request: PickFolderRequest, event: InvokeEvent): Promise<string | null> {
    const folder = await this.deps.pickFolder(request, event);
    if (folder !== null) this.chosen.remember(folder);
    return folder;
  }

  /** A dry run with the pair's own limits: the plan as the log would word it, or why a sync would be refused. */
  async preview(input: PairInput): Promise<PreviewResult> {
    const pair = normalise(input);
    // A dry run lists a folder's names: the same provenance rule as saving, or it would read any folder.
    const foreign = this.unchosen([pair]);
    if (foreign.length > 0) return { ok: false, errors: foreign };
    const errors = await checkPairs([pair], this.deps.stateDirFor);
    if (errors.length > 0) return { ok: false, errors };
    // A saved pair previews against its own record; a new or re-pointed one as a first sync would see it.
    const saved = pair.id === '' ? undefined : this.deps.controller.pair(pair.id);
    const reuse = saved !== undefined && saved.source === pair.source && saved.replica === pair.replica;
    const scratch = reuse ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), 'folder-sync-preview-'));
    try {
      const options: SyncOptions = { ...pairSyncOptions(pair, scratch ?? this.deps.stateDirFor(pair.id)), dryRun: true };
      const summary = await this.deps.runSync(options);
      // Refused by the deletion limit, the engine plans nothing: plan again without it, so the user sees what
      // the sync would have deleted.
      const { maxDelete: _limit, ...unlimited } = options;
      const planned = summary.refusal?.reason === 'max-delete' ? await this.deps.runSync(unlimited) : summary;
      const actions = planned.actions ?? [];
      return {
        ok: true,
        lines: actions.slice(0, PREVIEW_LIMIT).map((action) => ({ type: action.type, text: actionLine(action) })),
        total: actions.length,
        summary: runText(summary),
        refusal: summary.status === 'refused' ? runText(summary) : null,
      };
    } catch (error) {
      return { ok: false, errors: [{ pairIndex: 0, field: 'pair', message: messageOf(error) }] };
    } finally {
      if (scratch !== undefined) await fs.rm(scratch, { recursive: true, force: true });
    }
  }

  getStatus(): StatusView {
    return this.deps.controller.status();
  }

  syncNow(pairId: string | null): void {
    this.deps.controller.syncNow(pairId);
  }

  stopSync(pairId: string | null): void {
    this.deps.controller.stop(pairId);
  }

  pausePair(pairId: string, paused: boolean): void {
    this.deps.controller.pausePair(pairId, paused);
  }
}
