/**
 * Keeps the tray in step with the status: `render()` derives the whole tray from the current status and
 * rebuilds the context menu, because Linux indicators only pick up a changed menu through setContextMenu.
 * Electron's Tray and Menu come in through `TrayHost`, so tests pass fakes.
 */
import type { StatusView, TrayState } from '../shared/ipc-contract.js';
import { trayModel } from './tray-model.js';
import type { MenuAction, MenuEntry, TimeFormat, TrayModel } from './tray-model.js';

/** The subset of Electron's MenuItemConstructorOptions the tray uses. */
export interface MenuTemplateItem {
  label?: string;
  type?: 'separator' | 'normal' | 'submenu';
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuTemplateItem[];
}

export interface TrayHandle<Menu> {
  setImage(iconPath: string): void;
  setToolTip(text: string): void;
  setContextMenu(menu: Menu): void;
  destroy(): void;
}

export interface TrayHost<Menu> {
  createTray(iconPath: string): TrayHandle<Menu>;
  buildMenu(template: MenuTemplateItem[]): Menu;
  iconPath(state: TrayState): string;
}

export function defaultTimeFormat(ms: number): string {
  const date = new Date(ms);
  const sameDay = date.toDateString() === new Date().toDateString();
  const hm = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return sameDay ? hm : `${date.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${hm}`;
}

export class TrayService<Menu> {
  private tray: TrayHandle<Menu> | undefined;
  private last: string | undefined;
  private lastIcon: TrayState | undefined;

  constructor(
    private readonly host: TrayHost<Menu>,
    private readonly onAction: (action: MenuAction) => void,
    private readonly time: TimeFormat = defaultTimeFormat,
  ) {}

  render(status: StatusView): void {
    const model = trayModel(status, this.time);
    const key = JSON.stringify(model);
    if (this.tray !== undefined && key === this.last) return;
    this.last = key;
    if (this.tray === undefined) {
      this.tray = this.host.createTray(this.host.iconPath(model.icon));
      this.lastIcon = model.icon;
    } else if (this.lastIcon !== model.icon) {
      this.tray.setImage(this.host.iconPath(model.icon));
      this.lastIcon = model.icon;
    }
    this.tray.setToolTip(model.tooltip);
    this.tray.setContextMenu(this.host.buildMenu(this.template(model)));
  }

  destroy(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }

  private template(model: TrayModel): MenuTemplateItem[] {
    const convert = (entry: MenuEntry): MenuTemplateItem => {
      if (entry.type === 'separator') return { type: 'separator' };
      const out: MenuTemplateItem = { label: entry.label, enabled: entry.enabled };
      if (entry.submenu !== undefined) out.submenu = entry.submenu.map(convert);
      const action = entry.action;
      if (action !== undefined) out.click = () => this.onAction(action);
      return out;
    };
    return model.menu.map(convert);
  }
}
