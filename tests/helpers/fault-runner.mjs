// One sync run in a child process, for fault tests that kill it. Runs the built engine (dist/, `npm run build`).
// Usage: node fault-runner.mjs '<json>' with { source, replica, stateDir, allowEmptySource?,
//   killAfterShare?: 0..1  — SIGKILL itself right after that share of the planned actions reported done,
//   killInRecord?: 'open' | 'write' | 'fsync' | 'rename' | 'renamed' — SIGKILL itself at that step of the
//                  record write ('write' after writing half the bytes) }.
// Prints JSON lines: { phase } when the run enters a new phase (scan, plan, op:<name>, record), then
// { error } for each error, { summary } at the end. Pipes to the parent are synchronous on Linux, so a phase line is out before a kill.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { runSync } = await import(path.join(here, '../../dist/main/engine/run/sync.js'));
const options = JSON.parse(process.argv[2]);

function say(value) {
  fs.writeSync(1, `${JSON.stringify(value)}\n`);
}

function die() {
  process.kill(process.pid, 'SIGKILL');
}

// The record is written with plain fs calls on the default export: watch them to find the record's temp file.
const stateDir = path.resolve(options.stateDir);
let recordFd;
const original = { openSync: fs.openSync, writeSync: fs.writeSync, fsyncSync: fs.fsyncSync, renameSync: fs.renameSync };
fs.openSync = function openSync(file, ...rest) {
  const isRecordTemp = typeof file === 'string' && path.dirname(path.resolve(file)) === stateDir && file.endsWith('.tmp');
  if (isRecordTemp) {
    say({ phase: 'record' });
    if (options.killInRecord === 'open') die();
  }
  const fd = original.openSync.call(fs, file, ...rest);
  if (isRecordTemp) recordFd = fd;
  return fd;
};
fs.writeSync = function writeSync(fd, data, ...rest) {
  if (fd === recordFd && options.killInRecord === 'write' && typeof data === 'string') {
    original.writeSync.call(fs, fd, data.slice(0, Math.floor(data.length / 2)));
    die();
  }
  return original.writeSync.call(fs, fd, data, ...rest);
};
fs.fsyncSync = function fsyncSync(fd) {
  if (fd === recordFd && options.killInRecord === 'fsync') die();
  return original.fsyncSync.call(fs, fd);
};
fs.renameSync = function renameSync(from, to) {
  const isRecord = typeof from === 'string' && path.dirname(path.resolve(from)) === stateDir;
  if (isRecord && options.killInRecord === 'rename') die();
  original.renameSync.call(fs, from, to);
  if (isRecord && options.killInRecord === 'renamed') die();
};

let phase = '';
let planned = 0;
let done = 0;
let killAt = Infinity;
function enter(next) {
  if (next === phase) return;
  phase = next;
  say({ phase });
}

enter('scan');
const summary = await runSync({
  source: options.source,
  replica: options.replica,
  stateDir: options.stateDir,
  ...(options.allowEmptySource ? { allowEmptySource: true } : {}),
  onEvent(event) {
    if (event.type === 'plan') {
      planned = event.actions.filter((a) => a.type !== 'skip').length;
      if (options.killAfterShare !== undefined) killAt = Math.max(1, Math.round(options.killAfterShare * planned));
      say({ phase: 'plan', planned });
      phase = 'plan';
    } else if (event.type === 'op') {
      enter(`op:${event.op}`);
      if (event.op === 'error') say({ error: `${event.path}: ${event.detail ?? ''}` });
      if (event.op !== 'skip' && event.op !== 'error') done += 1;
      if (done >= killAt) die();
    }
  },
});
say({ summary: { ...summary, actions: undefined } });
