/**
 * The Electron main entry. Started with the command line's flags (`--source … --interval …`) it is the
 * headless CLI — no tray, no window — and exits with the CLI's code; otherwise it is the tray app.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app } from 'electron';
import { runCli } from './cli/run-cli.js';
import { headlessArgs, headlessQuitSignals } from './app/headless.js';
import { startTrayApp } from './app/tray-app.js';

const distDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const appRoot = path.dirname(distDir);
// Packaged, icons come from resources/ (extraResources); from a checkout, from build/.
const resources = app.isPackaged ? process.resourcesPath : path.join(appRoot, 'build');

function fail(error: unknown): void {
  process.stderr.write(`folder-sync: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  app.exit(1);
}

// Unpackaged, argv is [electron, app path, …]; packaged, [executable, …].
const cliArgs = headlessArgs(process.argv.slice(app.isPackaged ? 1 : 2));
if (cliArgs !== null) {
  let finished = false;
  const signals = headlessQuitSignals(process, (request) => {
    app.on('before-quit', (event) => {
      if (finished) return;
      event.preventDefault();
      request();
    });
  });
  runCli(cliArgs, { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signals }).then((code) => {
    finished = true;
    app.exit(code);
  }, fail);
} else {
  startTrayApp({
    page: path.join(distDir, 'renderer', 'index.html'),
    preload: path.join(distDir, 'preload', 'index.cjs'),
    trayIcons: path.join(resources, 'tray'),
    appIcon: path.join(resources, 'icons', '256x256.png'),
  }).catch(fail);
}
