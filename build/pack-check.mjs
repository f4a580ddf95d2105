#!/usr/bin/env node
/**
 * Proves the electron-builder config offline (no Electron download here): packs the built app with a stub
 * Electron into a temp `linux-unpacked` folder (electron-builder's `dir` target, the step every Linux
 * target starts from) and checks that what the app loads at run time is in the package: the main entry,
 * the preload bundle and the settings page in app.asar, the tray icons and app icons beside it, and the native
 * file-access module unpacked beside the archive (where this machine built it: dlopen cannot read inside an asar).
 * AppImage and .deb need downloads (AppImage runtime, fpm): `npm run dist` builds them where the
 * internet is.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// A dependency of electron-builder, which is what reads these archives in the end.
import { listPackage } from '@electron/asar';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const stub = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-sync-stub-electron-'));
const output = fs.mkdtempSync(path.join(os.tmpdir(), 'folder-sync-pack-'));
fs.writeFileSync(path.join(stub, 'electron'), '#!/bin/sh\necho "stub Electron: packaging check only" >&2\nexit 1\n', { mode: 0o755 });

try {
  execFileSync(
    path.join(root, 'node_modules/.bin/electron-builder'),
    ['--linux', 'dir', `-c.electronDist=${stub}`, `-c.electronVersion=${pkg.devDependencies.electron}`, `-c.directories.output=${output}`],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const unpacked = path.join(output, 'linux-unpacked');
  const resources = path.join(unpacked, 'resources');
  const inAsar = new Set(listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((p) => p.split(path.sep).join('/')));
  const problems = [];
  for (const file of [`/${pkg.main}`, '/dist/preload/index.cjs', '/dist/renderer/index.html', '/dist/renderer/settings.js', '/dist/renderer/styles.css', '/node_modules/chokidar', '/node_modules/electron-log']) {
    if (!inAsar.has(file)) problems.push(`app.asar lacks ${file}`);
  }
  for (const state of ['idle', 'syncing', 'error', 'paused']) {
    for (const name of [`${state}.png`, `${state}@2x.png`, `${state}-24.png`, `${state}-24@2x.png`]) {
      if (!fs.existsSync(path.join(resources, 'tray', name))) problems.push(`resources/tray/${name} is missing`);
    }
  }
  if (!fs.existsSync(path.join(resources, 'icons', '256x256.png'))) problems.push('resources/icons/256x256.png is missing');
  const addon = 'native/build/folder_sync.node';
  if (fs.existsSync(path.join(root, addon)) && !fs.existsSync(path.join(resources, 'app.asar.unpacked', addon))) problems.push(`resources/app.asar.unpacked/${addon} is missing`);
  if (!fs.existsSync(path.join(unpacked, pkg.build.linux.executableName))) problems.push(`the executable ${pkg.build.linux.executableName} is missing`);
  if ([...inAsar].some((p) => p.startsWith('/tests') || p.endsWith('.map'))) problems.push('app.asar holds tests or source maps');
  for (const problem of problems) console.error(`pack check: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log(`pack check: ok (${inAsar.size} entries in app.asar)`);
} finally {
  fs.rmSync(stub, { recursive: true, force: true });
  fs.rmSync(output, { recursive: true, force: true });
}
