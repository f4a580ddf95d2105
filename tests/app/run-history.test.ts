/** The run history file: bounded per pair, pairs no longer set up dropped, a damaged file started afresh. */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_KEPT, RunHistory } from '../../main/app/run-history.js';

let root: string;
beforeEach(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'folder-sync-history-'));
});
afterEach(async () => {
  await fsp.rm(root, { recursive: true, force: true });
});

const entry = (i: number) => ({ finishedAt: i, durationMs: 10, outcome: 'ok' as const, text: `run ${i}`, counts: { copied: i, updated: 0, moved: 0, deleted: 0, errors: 0, durationMs: 10 } });

describe('RunHistory', () => {
  it('keeps the newest runs per pair, at most HISTORY_KEPT, and reads them back', async () => {
    const file = path.join(root, 'state', 'history.json');
    const history = new RunHistory(file);
    expect(await history.load()).toBeNull();
    for (let i = 1; i <= HISTORY_KEPT + 10; i += 1) history.add('a', entry(i));
    history.add('b', entry(1));
    history.retain(new Set(['a']));
    await history.flush();
    const again = new RunHistory(file);
    expect(await again.load()).toBeNull();
    expect(again.entries('a')).toHaveLength(HISTORY_KEPT);
    expect(again.entries('a')[0]?.finishedAt).toBe(HISTORY_KEPT + 10);
    expect(again.entries('b')).toEqual([]);
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['history.json']); // no temp file left
  });

  it('starts afresh from a damaged file, saying so, and drops entries of the wrong shape', async () => {
    const file = path.join(root, 'history.json');
    await fsp.writeFile(file, '{"version": 1, "pairs": {');
    const history = new RunHistory(file);
    expect(await history.load()).toMatch(/^The run history could not be used \(.+\); it starts afresh\.$/);
    expect(history.entries('a')).toEqual([]);
    await fsp.writeFile(file, JSON.stringify({ version: 1, pairs: { a: [entry(1), { finishedAt: 'soon' }, { ...entry(2), outcome: 'great' }] } }));
    const shaped = new RunHistory(file);
    expect(await shaped.load()).toBeNull();
    expect(shaped.entries('a').map((e) => e.finishedAt)).toEqual([1]);
  });
});
