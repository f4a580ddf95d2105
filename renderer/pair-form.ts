/**
 * The form for one pair: fills it from a PairInput, reads it back, shows inline errors next to each field and
 * checks the interval as it is typed (with its plain-language echo). The main process checks everything
 * again on save; this is for quick feedback only.
 */
import { suggestTrashDir } from '../main/shared/trash-suggestion.js';
import { describeInterval, IntervalError, parseInterval } from '../main/shared/interval.js';
import type { FieldError, FolderField, PairField, PairInput } from '../main/shared/ipc-contract.js';
import { maxDeleteSettingProblem } from '../main/shared/max-delete.js';
import { byId, showText } from './dom.js';

const ERROR_FIELDS: readonly PairField[] = ['source', 'replica', 'interval', 'logDir', 'excludes', 'maxDelete', 'trashDir', 'trashKeepDays', 'pair'];
const INPUT_OF: Partial<Record<PairField, string>> = {
  source: 'source',
  replica: 'replica',
  interval: 'interval',
  logDir: 'logDir',
  excludes: 'excludes',
  maxDelete: 'maxDelete',
  trashDir: 'trashDir',
  trashKeepDays: 'trashKeepDays',
};

/** The interval's echo or its error, as the user types. */
export function checkInterval(text: string): { echo: string } | { error: string } {
  try {
    return { echo: `every ${describeInterval(parseInterval(text))}` };
  } catch (error) {
    if (error instanceof IntervalError) return { error: error.message };
    throw error;
  }
}

export class PairForm {
  readonly form = byId('pair-form', HTMLFormElement);
  private readonly source = byId('source', HTMLInputElement);
  private readonly replica = byId('replica', HTMLInputElement);
  private readonly interval = byId('interval', HTMLInputElement);
  private readonly intervalEcho = byId('interval-echo', HTMLElement);
  private readonly logDir = byId('logDir', HTMLInputElement);
  private readonly excludes = byId('excludes', HTMLTextAreaElement);
  private readonly watch = byId('watch', HTMLInputElement);
  private readonly enabled = byId('enabled', HTMLInputElement);
  private readonly trashEnabled = byId('trashEnabled', HTMLInputElement);
  private readonly trashOptions = byId('trash-options', HTMLElement);
  private readonly trashDir = byId('trashDir', HTMLInputElement);
  private readonly trashKeepDays = byId('trashKeepDays', HTMLInputElement);
  private readonly maxDelete = byId('maxDelete', HTMLInputElement);
  private id = '';

  fill(pair: PairInput): void {
    this.id = pair.id;
    this.source.value = pair.source;
    this.replica.value = pair.replica;
    this.interval.value = pair.interval;
    this.logDir.value = pair.logDir;
    this.excludes.value = pair.excludes.join('\n');
    this.watch.checked = pair.watch;
    this.enabled.checked = pair.enabled;
    this.trashEnabled.checked = pair.trash.enabled;
    this.trashDir.value = pair.trash.dir;
    this.trashKeepDays.value = String(pair.trash.keepDays);
    this.trashOptions.hidden = !pair.trash.enabled;
    this.maxDelete.value = pair.maxDelete;
    this.liveInterval();
    this.liveMaxDelete();
  }

  read(): PairInput {
    return {
      id: this.id,
      source: this.source.value,
      replica: this.replica.value,
      interval: this.interval.value,
      logDir: this.logDir.value,
      // Blank lines are not patterns: dropping them here spares the user an error about nothing.
      excludes: this.excludes.value.split('\n').map((line) => line.trim()).filter((line) => line !== ''),
      watch: this.watch.checked,
      enabled: this.enabled.checked,
      trash: {
        enabled: this.trashEnabled.checked,
        dir: this.trashDir.value,
        // An empty or unreadable number becomes 0, which the main process answers with the field's inline error.
        keepDays: Number.isFinite(this.trashKeepDays.valueAsNumber) ? this.trashKeepDays.valueAsNumber : 0,
      },
      maxDelete: this.maxDelete.value,
    };
  }

  /** "Keep deleted files" switched on or off: show its options, and offer a folder beside the replica. */
  trashToggled(): void {
    this.trashOptions.hidden = !this.trashEnabled.checked;
    if (!this.trashEnabled.checked) {
      this.showError('trashDir', null);
      this.showError('trashKeepDays', null);
    }
    this.suggestTrash();
  }

  /** With the trash on and no folder chosen yet, fills in `<replica>.trash`; a chosen folder is never replaced. */
  suggestTrash(): void {
    if (this.trashEnabled.checked && this.trashDir.value === '') this.trashDir.value = suggestTrashDir(this.replica.value);
  }

  setFolder(field: FolderField, value: string): void {
    byId(field, HTMLInputElement).value = value;
    this.showError(field, null);
  }

  folder(field: FolderField): string {
    return byId(field, HTMLInputElement).value;
  }

  /** Live check of the interval: an inline error, or the echo "every 1 day 2 hours". */
  liveInterval(): boolean {
    const text = this.interval.value;
    if (text.trim() === '') {
      showText(this.intervalEcho, null);
      this.showError('interval', 'Enter how often to sync, for example 1h or 30m.');
      return false;
    }
    const result = checkInterval(text);
    if ('error' in result) {
      showText(this.intervalEcho, null);
      this.showError('interval', result.error);
      return false;
    }
    showText(this.intervalEcho, result.echo);
    this.showError('interval', null);
    return true;
  }

  /** Live check of the deletion limit, with the sentence the main process would give on save. */
  liveMaxDelete(): boolean {
    const problem = maxDeleteSettingProblem(this.maxDelete.value);
    this.showError('maxDelete', problem);
    return problem === null;
  }

  showErrors(errors: readonly FieldError[]): void {
    for (const field of ERROR_FIELDS) {
      const first = errors.find((e) => e.field === field);
      this.showError(field, first?.message ?? null);
    }
  }

  clearError(field: PairField): void {
    this.showError(field, null);
  }

  private showError(field: PairField, message: string | null): void {
    showText(byId(`${field}-error`, HTMLElement), message);
    const input = INPUT_OF[field];
    if (input !== undefined) byId(input, HTMLElement).setAttribute('aria-invalid', message === null ? 'false' : 'true');
  }
}
