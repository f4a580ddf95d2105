/**
 * The built engine (dist/) scans and copies in worker threads; tests running from sources use the in-thread
 * fallback. These run the built engine, so the worker paths are covered too.
 */
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
});
