// How long the event loop of a process hosting the engine (the tray's main process) is blocked during a run.
// The tray runs the engine through runSyncInWorker; this measures the longest gap between 10 ms ticks of a
// timer in the host while a worker-hosted run mirrors a generated tree, then re-runs it with nothing changed.
//   npm run build && node tests/bench/event-loop.mjs [--files 100000] [--dir DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { parseArgs } from 'node:util';
import { planTree, writeTree } from './generate.mjs';

const { values } = parseArgs({ options: { files: { type: 'string', default: '100000' }, dir: { type: 'string' } } });
const files = Number(values.files);
const work = mkdtempSync(join(values.dir ?? tmpdir(), 'folder-sync-loop-'));
const { runSyncInWorker } = await import('../../dist/main/engine/run-in-worker.js');

try {
  writeTree(join(work, 'src'), planTree({ files, big: 2, bigSizeMiB: 64, seed: 7 }), () => {});
  const options = { source: join(work, 'src'), replica: join(work, 'rep'), stateDir: join(work, 'state') };
  for (const scenario of ['initial', 'no-change']) {
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    let events = 0;
    const started = performance.now();
    const summary = await runSyncInWorker({ ...options, onEvent: () => (events += 1) });
    clearInterval(timer);
    const blocked = Math.max(0, longest - 10);
    console.log(
      `${scenario.padEnd(10)} ${files} files: ${((performance.now() - started) / 1000).toFixed(2)} s, ${summary.copied} copied, ` +
        `${events} events; longest event-loop block ${blocked.toFixed(0)} ms (target <= 50 ms)`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
