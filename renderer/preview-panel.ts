/** The result of Preview: the planned actions, worded as the log words them. */
import type { PreviewResult } from '../main/shared/ipc-contract.js';
import { byId, showText } from './dom.js';

export class PreviewPanel {
  private readonly panel = byId('preview-panel', HTMLElement);
  private readonly summary = byId('preview-summary', HTMLElement);
  private readonly list = byId('preview-list', HTMLUListElement);

  hide(): void {
    this.panel.hidden = true;
    this.list.replaceChildren();
  }

  busy(): void {
    this.panel.hidden = false;
    showText(this.summary, 'Planning…');
    this.list.replaceChildren();
  }

  show(result: Extract<PreviewResult, { ok: true }>): void {
    this.panel.hidden = false;
    const more = result.total > result.lines.length ? ` (showing the first ${result.lines.length})` : '';
    const count = `${result.total} planned action${result.total === 1 ? '' : 's'}${more}`;
    if (result.refusal !== null) {
      // Not "nothing to do": the sync would stop, and the list (when there is one) is what it would have done.
      showText(this.summary, `A sync now would be refused: ${result.refusal}${result.total === 0 ? '' : ` The plan it refuses: ${count}.`}`);
    } else {
      const head = result.total === 0 ? 'Nothing to do: the replica already matches the source.' : `${count}.`;
      showText(this.summary, `${head} ${result.summary}`);
    }
    this.list.replaceChildren(
      ...result.lines.map((line) => {
        const item = document.createElement('li');
        item.textContent = line.text;
        item.dataset.type = line.type;
        return item;
      }),
    );
  }
}
