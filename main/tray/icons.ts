/**
 * Which PNG the tray shows. Indicator hosts draw 22 px icons (AppIndicator's size) except Cinnamon's panel,
 * which draws them at 24 px; Electron picks the `@2x` file beside the one named on HiDPI screens.
 */
import path from 'node:path';
import type { TrayState } from '../shared/ipc-contract.js';

export function trayIconFile(dir: string, state: TrayState, desktop: string | undefined): string {
  const cinnamon = (desktop ?? '').split(':').some((name) => /cinnamon/i.test(name));
  return path.join(dir, cinnamon ? `${state}-24.png` : `${state}.png`);
}
