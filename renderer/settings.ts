/**
 * The settings page: a list of pairs, the form of the selected one, its preview and status, and the app-wide
 * toggles. Everything goes through `window.folderSync` (the preload's API); the page never sees a path it
 * did not get from the main process's folder picker.
 */
import { DEFAULT_MAX_DELETE, DEFAULT_TRASH_DAYS } from '../main/shared/ipc-contract.js';
import type { FieldError, FolderField, PairInput, SettingsInput, StatusView } from '../main/shared/ipc-contract.js';
import { byId, showText } from './dom.js';
import { PairCards } from './pair-cards.js';
import { PairForm } from './pair-form.js';
import { PreviewPanel } from './preview-panel.js';
import { StatusPanel } from './status-panel.js';

interface Draft {
  pairs: PairInput[];
  notifyOnFailure: boolean;
  startAtLogin: boolean;
}

const api = window.folderSync;
const form = new PairForm();
const preview = new PreviewPanel();
const statusPanel = new StatusPanel();
const pairList = byId('pair-list', HTMLUListElement);
const saveButton = byId('save', HTMLButtonElement);
const saveState = byId('save-state', HTMLElement);
const previewButton = byId('preview', HTMLButtonElement);
const startAtLogin = byId('startAtLogin', HTMLInputElement);
const notifyOnFailure = byId('notifyOnFailure', HTMLInputElement);
const statusSection = byId('status-panel', HTMLElement);
const statusView = byId('status-view', HTMLElement);
const editView = byId('edit-view', HTMLElement);
const cards = new PairCards(byId('pair-cards', HTMLUListElement), {
  syncNow: (id) => void api.syncNow(id),
  pause: (id, paused) => void api.pausePair(id, paused),
  stop: (id) => void api.stopSync(id),
  edit: (id) => {
    const index = draft.pairs.findIndex((p) => p.id === id);
    if (index >= 0) showEditor(index);
  },
});

/** The first screen (cards) or the editor; the editor is where a first start, with nothing to show, begins. */
function showView(view: 'status' | 'edit'): void {
  statusView.hidden = view !== 'status';
  editView.hidden = view !== 'edit';
  if (view === 'status') renderCards();
}

function showEditor(index: number): void {
  showView('edit');
  select(index);
}

function renderCards(): void {
  cards.render(status, Date.now());
}

let draft: Draft = { pairs: [], notifyOnFailure: true, startAtLogin: false };
let defaultLogDir = '';
let selected = 0;
let errors: FieldError[] = [];
let status: StatusView | null = null;

function baseName(p: string): string {
  const parts = p.split('/').filter((part) => part !== '');
  return parts[parts.length - 1] ?? (p === '' ? '' : '/');
}

function label(pair: PairInput): string {
  if (pair.source === '' && pair.replica === '') return 'New pair';
  return `${baseName(pair.source) || '?'} → ${baseName(pair.replica) || '?'}`;
}

function newPair(): PairInput {
  return {
    id: '',
    source: '',
    replica: '',
    interval: '1h',
    logDir: defaultLogDir,
    excludes: [],
    watch: false,
    enabled: true,
    // Safe by default: a mistake (a source emptied, a replica mis-pointed) is caught and recoverable.
    trash: { enabled: true, dir: '', keepDays: DEFAULT_TRASH_DAYS },
    maxDelete: DEFAULT_MAX_DELETE,
  };
}

function markDirty(): void {
  showText(saveState, 'Unsaved changes');
}

/** Copies the form into the draft, so switching pairs or saving never loses what was typed. */
function commitForm(): void {
  if (draft.pairs[selected] !== undefined) draft.pairs[selected] = form.read();
}

function renderList(): void {
  pairList.replaceChildren(
    ...draft.pairs.map((pair, index) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = label(pair);
      button.title = pair.source === '' ? 'New pair' : `${pair.source} → ${pair.replica}`;
      button.setAttribute('aria-current', index === selected ? 'true' : 'false');
      button.classList.toggle('has-error', errors.some((e) => e.pairIndex === index));
      button.addEventListener('click', () => select(index));
      item.append(button);
      return item;
    }),
  );
}

function renderStatus(): void {
  statusPanel.render(status, draft.pairs[selected]?.id ?? '');
}

function select(index: number): void {
  commitForm();
  selected = index;
  const pair = draft.pairs[index];
  form.form.hidden = pair === undefined;
  statusSection.hidden = pair === undefined;
  preview.hide();
  if (pair !== undefined) {
    form.fill(pair);
    form.showErrors(errors.filter((e) => e.pairIndex === index));
  }
  renderList();
  renderStatus();
}

function load(settings: { pairs: readonly PairInput[]; notifyOnFailure: boolean; startAtLogin: boolean }): void {
  draft = { pairs: settings.pairs.map((p) => ({ ...p, excludes: [...p.excludes], trash: { ...p.trash } })), notifyOnFailure: settings.notifyOnFailure, startAtLogin: settings.startAtLogin };
  // A first start has no pairs: offer an empty one rather than an empty page.
  if (draft.pairs.length === 0) draft.pairs.push(newPair());
  startAtLogin.checked = draft.startAtLogin;
  notifyOnFailure.checked = draft.notifyOnFailure;
  selected = Math.min(selected, draft.pairs.length - 1);
  form.fill(draft.pairs[selected]!);
  select(selected);
}

async function pick(field: FolderField): Promise<void> {
  const chosen = await api.pickFolder({ field, current: form.folder(field) });
  if (chosen === null) return;
  form.setFolder(field, chosen);
  if (field === 'replica') form.suggestTrash();
  commitForm();
  renderList();
  markDirty();
}

async function save(): Promise<void> {
  commitForm();
  saveButton.disabled = true;
  showText(saveState, 'Saving…');
  try {
    const input: SettingsInput = { pairs: draft.pairs, notifyOnFailure: draft.notifyOnFailure, startAtLogin: draft.startAtLogin };
    const result = await api.saveSettings(input);
    if (result.ok) {
      errors = [];
      showText(byId('startAtLogin-error', HTMLElement), null);
      load(result.settings);
      showText(saveState, 'Saved. The changes apply now.');
      return;
    }
    errors = [...result.errors];
    showText(byId('startAtLogin-error', HTMLElement), errors.find((e) => e.field === 'startAtLogin')?.message ?? null);
    const firstPair = errors.find((e) => e.pairIndex >= 0)?.pairIndex;
    select(firstPair ?? selected);
    showText(saveState, 'Not saved: correct the fields marked in red.');
  } catch (error) {
    showText(saveState, `Not saved: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    saveButton.disabled = false;
  }
}

async function runPreview(): Promise<void> {
  commitForm();
  const pair = draft.pairs[selected];
  if (pair === undefined) return;
  previewButton.disabled = true;
  preview.busy();
  try {
    const result = await api.preview(pair);
    if (result.ok) {
      form.showErrors([]);
      preview.show(result);
    } else {
      preview.hide();
      form.showErrors(result.errors);
    }
  } finally {
    previewButton.disabled = false;
  }
}

form.form.addEventListener('input', (event) => {
  const target = event.target;
  if (target instanceof HTMLElement && target.id === 'trashEnabled') form.trashToggled();
  commitForm();
  markDirty();
  if (target instanceof HTMLElement && target.id === 'interval') form.liveInterval();
  if (target instanceof HTMLElement && target.id === 'maxDelete') form.liveMaxDelete();
  if (target instanceof HTMLElement && target.id === 'excludes') form.clearError('excludes');
  if (target instanceof HTMLElement && target.id === 'trashKeepDays') form.clearError('trashKeepDays');
  renderList();
});
form.form.addEventListener('change', () => {
  commitForm();
  markDirty();
});
form.form.addEventListener('submit', (event) => event.preventDefault());
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-pick]')) {
  const field = button.dataset.pick;
  if (field === 'source' || field === 'replica' || field === 'logDir' || field === 'trashDir') button.addEventListener('click', () => void pick(field));
}
byId('add-pair', HTMLButtonElement).addEventListener('click', () => {
  commitForm();
  draft.pairs.push(newPair());
  select(draft.pairs.length - 1);
  markDirty();
});
byId('remove-pair', HTMLButtonElement).addEventListener('click', () => {
  draft.pairs.splice(selected, 1);
  errors = [];
  selected = Math.max(0, Math.min(selected, draft.pairs.length - 1));
  const pair = draft.pairs[selected];
  if (pair !== undefined) form.fill(pair);
  select(selected);
  markDirty();
});
startAtLogin.addEventListener('change', () => {
  draft.startAtLogin = startAtLogin.checked;
  markDirty();
});
notifyOnFailure.addEventListener('change', () => {
  draft.notifyOnFailure = notifyOnFailure.checked;
  markDirty();
});
saveButton.addEventListener('click', () => void save());
previewButton.addEventListener('click', () => void runPreview());
statusPanel.syncNow.addEventListener('click', () => {
  const id = draft.pairs[selected]?.id;
  if (id !== undefined && id !== '') void api.syncNow(id);
});
statusPanel.stop.addEventListener('click', () => {
  const id = draft.pairs[selected]?.id;
  if (id !== undefined && id !== '') void api.stopSync(id);
});

api.onStatus((next) => {
  status = next;
  renderStatus();
  if (!statusView.hidden) renderCards();
});
api.onShowPair((pairId) => {
  commitForm();
  showView('status');
  cards.focus(pairId);
});
byId('back-to-status', HTMLButtonElement).addEventListener('click', () => {
  commitForm();
  showView('status');
});
byId('add-pair-card', HTMLButtonElement).addEventListener('click', () => {
  showView('edit');
  byId('add-pair', HTMLButtonElement).click();
});
// "12 minutes ago" ages while the window stays open.
setInterval(() => {
  if (!statusView.hidden) renderCards();
}, 30_000);

void (async () => {
  const settings = await api.getSettings();
  defaultLogDir = settings.defaultLogDir;
  load(settings);
  status = await api.getStatus();
  renderStatus();
  // Saved pairs: their cards first. None yet (a first start): straight to the form of a new pair.
  showView(settings.pairs.length > 0 ? 'status' : 'edit');
  showText(saveState, null);
})();
