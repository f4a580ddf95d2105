/** The committed icons: every tray state at 22 and 24 px with @2x, and the app icon, at their sizes. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trayIconFile } from '../../main/tray/icons.js';
import { REPO_ROOT } from './main-process.js';

function pngSize(file: string): [number, number] {
  const data = fs.readFileSync(file);
  expect(data.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

describe('icons', () => {
  const tray = path.join(REPO_ROOT, 'build/tray');
  for (const state of ['idle', 'syncing', 'error', 'paused'] as const) {
    it(`has the ${state} tray icon in every size`, () => {
      expect(pngSize(trayIconFile(tray, state, 'GNOME'))).toEqual([22, 22]);
      expect(pngSize(path.join(tray, `${state}@2x.png`))).toEqual([44, 44]);
      expect(pngSize(trayIconFile(tray, state, 'X-Cinnamon'))).toEqual([24, 24]);
      expect(pngSize(path.join(tray, `${state}-24@2x.png`))).toEqual([48, 48]);
    });
  }

  it('has the app icon at 256 and 512 px', () => {
    expect(pngSize(path.join(REPO_ROOT, 'build/icons/256x256.png'))).toEqual([256, 256]);
    expect(pngSize(path.join(REPO_ROOT, 'build/icons/512x512.png'))).toEqual([512, 512]);
  });
});
