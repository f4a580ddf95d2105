/**
 * The built engine (dist/) scans and copies in worker threads; tests running from sources use the in-thread
 * fallback. These run the built engine, so the worker paths are covered too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makePair, type Pair } from '../../helpers/pair.js';
import { describeTree } from '../../helpers/tree.js';

type SyncModule = typeof import('../../../main/engine/run/sync.js');

async function builtEngine(): Promise<SyncModule> {
  const built = path.resolve('dist/main/engine/run/sync.js');
  expect(fs.existsSync(built), 'npm test builds dist/ first').toBe(true);
  expect(fs.existsSync(path.resolve('dist/main/engine/execute/copy-worker.js'))).toBe(true);
  return (await import(pathToFileURL(built).href)) as SyncModule;
}

let pair: Pair;
afterEach(() => pair?.cleanup());

describe('the built engine with worker threads', () => {
  it('mirrors, updates and re-runs with nothing to do', async () => {
    const { runSync } = await builtEngine();
    pair = makePair();
    for (let d = 0; d < 10; d += 1) {
      fs.mkdirSync(path.join(pair.source, `d${d}`));
      for (let f = 0; f < 30; f += 1) fs.writeFileSync(path.join(pair.source, `d${d}`, `f${f}`), `${d}-${f}-`.repeat(f * 50));
    }
    fs.writeFileSync(path.join(pair.source, 'big.bin'), Buffer.alloc(3 << 20, 7));
    const options = { source: pair.source, replica: pair.replica, stateDir: pair.state };
    expect(await runSync(options)).toMatchObject({ status: 'ok', copied: 301 });
    pair.expectMirror();
    fs.writeFileSync(path.join(pair.source, 'd3/f3'), 'changed');
    fs.chmodSync(path.join(pair.source, 'd4/f4'), 0o600);
    expect(await runSync(options)).toMatchObject({ status: 'ok', updated: 1, metadata: 1, copied: 0 });
    pair.expectMirror();
    expect(await runSync(options)).toMatchObject({ copied: 0, updated: 0, metadata: 0 });
    expect(describeTree(pair.replica)).toEqual(describeTree(pair.source));
  });
});

describe('runSyncInWorker (the tray runs the engine off its main thread)', () => {
  it('streams the same events and summary, and rethrows configuration mistakes as ConfigError', async () => {
    const built = path.resolve('dist/main/engine/run/run-in-worker.js');
    const { runSyncInWorker } = (await import(pathToFileURL(built).href)) as typeof import('../../../main/engine/run/run-in-worker.js');
    pair = makePair();
    fs.writeFileSync(path.join(pair.source, 'a.txt'), 'A');
    fs.mkdirSync(path.join(pair.source, 'sub'));
    const ops: string[] = [];
    const summary = await runSyncInWorker({
      source: pair.source,
      replica: pair.replica,
      stateDir: pair.state,
      onEvent: (e) => {
        if (e.type === 'op') ops.push(`${e.op} ${e.path}`);
      },
    });
    expect(summary).toMatchObject({ status: 'ok', copied: 1, created: 1 });
    expect(ops.sort()).toEqual(['copy a.txt', 'mkdir sub']);
    // The plan crosses the thread boundary only for a dry run: a real run's could block the host's event loop.
    const planned: number[] = [];
    const onEvent = (e: import('../../../main/engine/types.js').SyncEvent): void => void (e.type === 'plan' && planned.push(e.actions.length));
    fs.writeFileSync(path.join(pair.source, 'b.txt'), 'B');
    await runSyncInWorker({ source: pair.source, replica: pair.replica, stateDir: pair.state, dryRun: true, onEvent });
    expect(planned).toEqual([1]);
    await runSyncInWorker({ source: pair.source, replica: pair.replica, stateDir: pair.state, onEvent });
    expect(planned).toEqual([1]);
    pair.expectMirror();
    await expect(runSyncInWorker({ source: pair.source, replica: path.join(pair.source, 'in'), stateDir: pair.state })).rejects.toMatchObject({
      name: 'ConfigError',
      // An overlap stays one across the thread boundary: refused for safety, not bad usage.
      reason: 'overlap',
    });
  });

  // A tree scanned on libuv's pool (the native scanner) from inside the sync worker, as the tray runs it: what that
  // scan hands over must outlive nothing of the worker. In a child process, because a crash at a worker's end (the
  // scan's paths handed over as an external string did exactly that: exit 139) would otherwise take the runner down.
  it('runs the benchmark\'s tree twice in a worker, after a run of an empty pair, and the process ends cleanly', () => {
    pair = makePair();
    const url = (file: string): string => pathToFileURL(path.resolve(file)).href;
    const script = `
      const { runSyncInWorker } = await import(${JSON.stringify(url('dist/main/engine/run/run-in-worker.js'))});
      const { planTree, writeTree } = await import(${JSON.stringify(url('tests/bench/generate.mjs'))});
      const pair = ${JSON.stringify({ source: pair.source, replica: pair.replica, stateDir: pair.state, root: pair.root })};
      writeTree(pair.source, planTree({ files: 3000, big: 2, bigSizeMiB: 4, seed: 7 }), () => {});
      const fs = await import('node:fs');
      fs.mkdirSync(pair.root + '/empty-src');
      await runSyncInWorker({ source: pair.root + '/empty-src', replica: pair.root + '/empty-rep', stateDir: pair.stateDir });
      let events = 0;
      const options = { source: pair.source, replica: pair.replica, stateDir: pair.stateDir, onEvent: () => (events += 1) };
      const first = await runSyncInWorker(options);
      const second = await runSyncInWorker(options);
      console.log(JSON.stringify([first.status, first.copied > 3000, second.status, second.copied]));`;
    // The environment a user's session gives it: none of the test runner's variables.
    const file = path.join(pair.root, 'host.mjs');
    fs.writeFileSync(file, script);
    const child = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH ?? '' } });
    expect({ status: child.status, signal: child.signal, stderr: child.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(JSON.parse(child.stdout)).toEqual(['ok', true, 'ok', 0]);
    pair.expectMirror();
  });
});
