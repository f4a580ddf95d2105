/**
 * What the packaged app tells the desktop, from package.json's electron-builder config rendered by electron-builder's
 * own code (LinuxTargetHelper, which writes the .deb's and the AppImage's .desktop file; no Electron download): the
 * menu entry is desktop-file-validate clean, is filed under Utility and Archiving, and names the window class Electron
 * gives the app's windows (its desktopName), so the window groups under the app's icon; icons come at every size.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './main-process.js';

interface LinuxOptions {
  readonly category?: string;
  readonly executableName?: string;
  readonly description?: string;
  readonly syncDesktopName?: boolean;
  readonly desktop?: { readonly entry?: Record<string, string> };
}
interface DesktopHelper {
  computeDesktopEntry(options: LinuxOptions, exec?: string, extra?: Record<string, string>): Promise<string>;
  getDesktopFileName(): string;
}
type HelperClass = new (packager: unknown) => DesktopHelper;

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  description: string;
  version: string;
  desktopName?: string;
  build: { productName: string; linux: LinuxOptions };
};
const require = createRequire(path.join(REPO_ROOT, 'package.json'));
const { LinuxTargetHelper } = require(require.resolve('app-builder-lib/out/targets/LinuxTargetHelper.js')) as { LinuxTargetHelper: HelperClass };

/** The few parts of electron-builder's Packager the .desktop file is made from, as it fills them from package.json. */
const packager = {
  appInfo: { productName: pkg.build.productName, sanitizedProductName: pkg.build.productName, description: pkg.description, version: pkg.version },
  executableName: pkg.build.linux.executableName,
  info: { metadata: { desktopName: pkg.desktopName } },
  platformSpecificBuildOptions: pkg.build.linux,
  fileAssociations: [],
  config: pkg.build,
};

function pngSize(file: string): [number, number] {
  const data = fs.readFileSync(file);
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

const canValidate = spawnSync('sh', ['-c', 'command -v desktop-file-validate']).status === 0;
if (!canValidate) console.warn('package-desktop: desktop-file-validate missing (apt-get install desktop-file-utils); the validation is skipped');

describe('the packaged app on the desktop', () => {
  const helper = new LinuxTargetHelper(packager);

  it('names its .desktop file and its window class after desktopName, so the window groups under its icon', async () => {
    expect(pkg.desktopName).toBe('folder-sync.desktop');
    // Electron sets WM_CLASS and the Wayland app_id from desktopName; the menu entry must carry the same name.
    expect(helper.getDesktopFileName()).toBe('folder-sync');
    const entry = await helper.computeDesktopEntry(pkg.build.linux);
    expect(entry).toMatch(/^StartupWMClass=folder-sync$/m);
    expect(entry).toMatch(/^Icon=folder-sync$/m);
  });

  it('is filed as a backup tool (Utility, Archiving)', async () => {
    expect(await helper.computeDesktopEntry(pkg.build.linux)).toMatch(/^Categories=Utility;Archiving;$/m);
  });

  it.skipIf(!canValidate)('is desktop-file-validate clean', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-desktop-'));
    try {
      const file = path.join(dir, `${helper.getDesktopFileName()}.desktop`);
      await fsp.writeFile(file, await helper.computeDesktopEntry(pkg.build.linux));
      const result = spawnSync('desktop-file-validate', [file], { encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('has the app icon at every size an icon theme looks up, 16 to 512 px', () => {
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(path.join(REPO_ROOT, 'build/icons', `${size}x${size}.png`))).toEqual([size, size]);
    }
  });
});
