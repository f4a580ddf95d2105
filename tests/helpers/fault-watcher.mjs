// Reads replica files over and over while a sync runs (or is killed), and reports any file that is not one
// complete version of a source file: partial, spliced from two versions, or empty. Content format: see
// tests/helpers/fault-content.ts. Usage: node fault-watcher.mjs REPLICA_DIR. Stops on SIGTERM and prints
// one JSON line: { reads, violations: [{ path, why }] }.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setImmediate } from 'node:timers';
import path from 'node:path';

const root = process.argv[2];
const RESERVED = '.~folder-sync.';
const violations = [];
let reads = 0;
let stopping = false;

function check(data) {
  const newline = data.indexOf(10);
  if (newline < 0) return `no header (${data.length} bytes)`;
  const [magic, , , size, sha] = data.subarray(0, newline).toString('latin1').split(' ');
  if (magic !== 'FSV1' || sha === undefined) return 'bad header';
  const body = data.subarray(newline + 1);
  if (body.length !== Number(size)) return `body ${body.length} bytes, header says ${size}`;
  if (createHash('sha256').update(body).digest('hex') !== sha) return 'body does not match its checksum';
  return undefined;
}

function files(dir, out) {
  let names;
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of names) {
    if (d.name.startsWith(RESERVED)) continue;
    const abs = path.join(dir, d.name);
    if (d.isDirectory()) files(abs, out);
    else if (d.isFile()) out.push(abs);
  }
  return out;
}

function finish() {
  process.stdout.write(`${JSON.stringify({ reads, violations })}\n`, () => process.exit(0));
}

process.on('SIGTERM', () => {
  stopping = true;
});

async function loop() {
  while (!stopping) {
    const list = files(root, []);
    if (list.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    for (const abs of list) {
      if (stopping) break;
      let data;
      try {
        data = fs.readFileSync(abs);
      } catch {
        continue; // moved or deleted between listing and reading: nothing was seen
      }
      reads += 1;
      const why = check(data);
      if (why !== undefined && violations.length < 50) violations.push({ path: path.relative(root, abs), why });
      // Let SIGTERM in between files.
      if (reads % 64 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  finish();
}

process.stdout.write('ready\n');
void loop();
