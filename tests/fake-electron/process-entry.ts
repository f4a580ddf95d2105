/**
 * What `electron` resolves to in a child process started with `--import tests/fake-electron/register.mjs`:
 * the fake, plus (when a test is on the other end of an IPC channel) its remote control.
 */
import { fake } from './electron.js';
import { installRemoteControl } from './remote.js';

export * from './electron.js';
export { default } from './electron.js';

if (process.send !== undefined) {
  installRemoteControl();
} else {
  // Standalone (by hand): Electron keeps running until quit; an empty Node event loop would not.
  const keepAlive = setInterval(() => {}, 1 << 30);
  fake.terminate = (code) => {
    clearInterval(keepAlive);
    process.exit(code);
  };
}
