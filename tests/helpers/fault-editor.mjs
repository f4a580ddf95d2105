// Edits source files while a sync (another process) copies them: busy-polls replica folders and, the moment a
// temp file appears in one (its copy has started), applies that folder's edit to the source. Usage:
// node fault-editor.mjs '<json>' with { replica, edits: [{ dir, file, kind, next? }] }; kinds: append,
// truncate, rename, delete, splice (writes `next` over `file` tail first, header last, then restores the mtime:
// `next` has the same length). Prints one JSON line { applied: [dir...] } when all are applied or on SIGTERM.
import fs from 'node:fs';
import { setImmediate } from 'node:timers';
import path from 'node:path';

const { replica, edits } = JSON.parse(process.argv[2]);
const pending = new Map(edits.map((e) => [e.dir, e]));
const applied = [];
let stopping = false;
process.on('SIGTERM', () => (stopping = true));

function apply({ file, kind, next }) {
  switch (kind) {
    case 'append':
      fs.appendFileSync(file, 'appended while being copied');
      break;
    case 'truncate':
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 3));
      break;
    case 'rename':
      fs.renameSync(file, `${file}.renamed`);
      break;
    case 'delete':
      fs.rmSync(file);
      break;
    case 'splice': {
      const before = fs.statSync(file);
      const data = fs.readFileSync(next);
      const head = data.indexOf(10) + 1;
      const tail = Math.max(head, data.length - 65536);
      const fd = fs.openSync(file, 'r+');
      fs.writeSync(fd, data, tail, data.length - tail, tail);
      fs.writeSync(fd, data, 0, head, 0);
      fs.closeSync(fd);
      fs.utimesSync(file, before.atime, before.mtime);
      break;
    }
  }
}

function tick() {
  for (const [dir, edit] of pending) {
    let names;
    try {
      names = fs.readdirSync(path.join(replica, dir));
    } catch {
      continue;
    }
    if (names.some((n) => n.startsWith('.~folder-sync.'))) {
      apply(edit);
      applied.push(dir);
      pending.delete(dir);
    }
  }
}

process.stdout.write('ready\n');
while (pending.size > 0 && !stopping) {
  tick();
  // Spin (the copy of a large file lasts only milliseconds), letting SIGTERM in between polls.
  await new Promise((resolve) => setImmediate(resolve));
}
process.stdout.write(`${JSON.stringify({ applied })}\n`);
