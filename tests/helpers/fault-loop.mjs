// The periodic loop for many runs over a small churning source, in its own process so that memory and file
// descriptors are this loop's alone. Usage: node --expose-gc fault-loop.mjs '<json>' with { root, runs,
// intervalMs }. Each run first changes the source (a new version, a rename, a deletion, a new file); every
// `runs / 20` runs it samples heap and RSS (after gc) and open descriptors (/proc/self/fd). Prints one JSON
// line: { runs, failures, samples: [{ run, heap, rss, fds }], lateness: [ms...] } where lateness is how much
// later than its place on the schedule (first start + n × interval) each run started: it must never be negative
// and must not grow, since a late timer does not push the later runs back.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { runSync } = await import(path.join(here, '../../dist/main/engine/run/sync.js'));
const { PeriodicLoop } = await import(path.join(here, '../../dist/main/runner/schedule.js'));
const { root, runs, intervalMs } = JSON.parse(process.argv[2]);

const source = path.join(root, 'source');
const replica = path.join(root, 'replica');
const stateDir = path.join(root, 'state');
fs.mkdirSync(source, { recursive: true });
for (let i = 0; i < 20; i += 1) fs.writeFileSync(path.join(source, `f${i}`), `file ${i}`);

function churn(n) {
  const names = fs.readdirSync(source).sort();
  const pick = names[n % names.length];
  fs.writeFileSync(path.join(source, pick), `version ${n}`);
  fs.renameSync(path.join(source, names[(n + 7) % names.length]), path.join(source, `r${n}`));
  if (names.length > 25) fs.rmSync(path.join(source, names[(n + 3) % names.length]));
  else fs.writeFileSync(path.join(source, `n${n}`), `new ${n}`);
}

const samples = [];
const starts = [];
let done = 0;
let failures = 0;
const every = Math.max(1, Math.floor(runs / 20));
let loop;
function sample() {
  globalThis.gc?.();
  const { heapUsed, rss } = process.memoryUsage();
  samples.push({ run: done, heap: heapUsed, rss, fds: fs.readdirSync('/proc/self/fd').length });
}

loop = new PeriodicLoop(intervalMs, async () => {
  starts.push(performance.now());
  churn(done);
  const summary = await runSync({ source, replica, stateDir });
  if (summary.status !== 'ok') failures += 1;
  done += 1;
  if (done % every === 0) sample();
  if (done >= runs) void loop.stop();
});
await loop.start();
const lateness = starts.slice(1).map((t, i) => t - (starts[0] + (i + 1) * intervalMs));
process.stdout.write(`${JSON.stringify({ runs: done, failures, samples, lateness })}\n`);
