// How long the event loop of a process hosting the engine (the tray's main process) is blocked during a run, and
// whether its memory comes back afterwards (RSS before the runs, and after IDLE_SETTLE_MS of idling, no forced GC:
// the tray forces none either).
// The tray runs the engine through runSyncInWorker; this measures the longest gap between 10 ms ticks of a
// timer in the host while a worker-hosted run mirrors a generated tree, then re-runs it with nothing changed.
// `npm run bench` calls measureEventLoop in its own process, which is otherwise idle by then; alone:
//   npm run build && node tests/bench/event-loop.mjs [--files 100000] [--dir DIR]
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planTree, writeTree } from './generate.mjs';

const TICK_MS = 10;
const IDLE_SETTLE_MS = 5000;
export const SCENARIOS = ['initial', 'no-change'];

/**
 * Mirrors a generated tree of `files` small files (and two of 64 MiB) in a folder under `dir`, then re-runs it;
 * returns each scenario's longest event-loop block in ms, and the host's RSS before, at its peak and once idle after.
 * `log` gets one line per scenario.
 */
export async function measureEventLoop({ files, dir = tmpdir(), log = () => {} }) {
  const work = mkdtempSync(join(dir, 'folder-sync-loop-'));
  const { runSyncInWorker } = await import('../../dist/main/engine/run/run-in-worker.js');
  const blocks = {};
  let idle;
  try {
    writeTree(join(work, 'src'), planTree({ files, big: 2, bigSizeMiB: 64, seed: 7 }), () => {});
    const options = { source: join(work, 'src'), replica: join(work, 'rep'), stateDir: join(work, 'state') };
    // The tray's engine is loaded before its first run: so is this one, by a run of an empty pair.
    mkdirSync(join(work, 'empty-src'));
    await runSyncInWorker({ source: join(work, 'empty-src'), replica: join(work, 'empty-rep'), stateDir: join(work, 'state') });
    const beforeBytes = process.memoryUsage.rss();
    let peakBytes = beforeBytes;
    const sampler = setInterval(() => (peakBytes = Math.max(peakBytes, process.memoryUsage.rss())), 100);
    for (const scenario of SCENARIOS) {
      let longest = 0;
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, TICK_MS);
      let events = 0;
      const started = performance.now();
      const summary = await runSyncInWorker({ ...options, onEvent: () => (events += 1) });
      clearInterval(timer);
      blocks[scenario] = Math.max(0, Math.round(longest - TICK_MS));
      log(
        `${scenario.padEnd(10)} ${files} files: ${((performance.now() - started) / 1000).toFixed(2)} s, ${summary.copied} copied, ` +
          `${events} events; longest event-loop block ${blocks[scenario]} ms (target <= 50 ms)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    clearInterval(sampler);
    idle = { beforeBytes, peakBytes, afterBytes: process.memoryUsage.rss(), settleSeconds: IDLE_SETTLE_MS / 1000 };
    const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    log(`idle RSS: ${mb(idle.beforeBytes)} before the runs, peak ${mb(idle.peakBytes)}, ${mb(idle.afterBytes)} ${idle.settleSeconds} s after (target <= +20 MiB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { blocks, idle };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { files: { type: 'string', default: '100000' }, dir: { type: 'string' } } });
  await measureEventLoop({ files: Number(values.files), dir: values.dir, log: (line) => console.log(line) });
}
