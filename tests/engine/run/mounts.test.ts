/**
 * Mount points inside the replica and the source, in whole runs (issue 19, 3): a tmpfs and bind mounts of folders
 * of the same file system (which st_dev cannot tell from the replica's own folders). Inside the replica they are
 * left alone entirely (nothing deleted in them, not deleted themselves), with one warning naming each, exit 0;
 * inside the source they are not crossed unless asked. Run under FOLDER_SYNC_NATIVE=0 and =1 for both scanners.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../main/engine/run/options.js';
import { validatePair } from '../../../main/engine/run/sync.js';
import { makePair, type Pair } from '../../helpers/pair.js';
import { describeTree, writeTree } from '../../helpers/tree.js';

let pair: Pair;
const unmounts: string[] = [];
afterEach(() => {
  for (const at of unmounts.splice(0).reverse()) spawnSync('umount', ['-l', at]);
  pair?.cleanup();
});

function mount(args: string[], at: string): void {
  fs.mkdirSync(at, { recursive: true });
  const done = spawnSync('mount', [...args, at]);
  expect(done.status, String(done.stderr)).toBe(0);
  unmounts.push(at);
}

function warningsOf(events: ReadonlyArray<{ type: string; message?: string }>): string[] {
  return events.flatMap((e) => (e.type === 'warning' && e.message !== undefined ? [e.message] : []));
}

describe.skipIf(process.getuid?.() !== 0)('mount points (needs root to mount)', () => {
  it('inside the replica: a bind mount of the same file system and a tmpfs are left alone, warned about once each', async () => {
    pair = makePair();
    const outside = path.join(pair.root, 'outside');
    writeTree(outside, { 'precious.txt': 'not the replica\'s', 'sub/deep.txt': 'mine' });
    writeTree(pair.source, { 'kept.txt': 'K', 'mnt/from-source.txt': 'S' });
    writeTree(pair.replica, { 'extra.txt': 'deleted, as the mirror should' });
    mount(['--bind', outside], path.join(pair.replica, 'mnt'));
    mount(['--bind', outside], path.join(pair.replica, 'gone/deeper/bound'));
    mount(['-t', 'tmpfs', 'tmpfs'], path.join(pair.replica, 'tmp'));
    fs.writeFileSync(path.join(pair.replica, 'tmp/on-tmpfs'), 'T');
    const before = describeTree(outside);

    for (let run = 0; run < 2; run += 1) {
      const { summary, events } = await pair.sync();
      expect(summary).toMatchObject({ status: 'ok', errors: 0 });
      expect(warningsOf(events)).toEqual(
        ['mnt', 'tmp', 'gone/deeper/bound'].map((rel) => `"${path.join(pair.replica, rel)}" is a mount point inside the replica; left alone.`),
      );
      expect(describeTree(outside)).toEqual(before);
      expect(fs.readFileSync(path.join(pair.replica, 'tmp/on-tmpfs'), 'utf8')).toBe('T');
      expect(fs.readFileSync(path.join(pair.replica, 'kept.txt'), 'utf8')).toBe('K');
      expect(fs.existsSync(path.join(pair.replica, 'extra.txt'))).toBe(false);
      // Nothing of the source's `mnt` was written into what is mounted there.
      expect(fs.existsSync(path.join(outside, 'from-source.txt'))).toBe(false);
    }
  });

  it('inside the source: not crossed by default (said as a skip), crossed with crossFileSystems', async () => {
    pair = makePair();
    const outside = path.join(pair.root, 'outside');
    writeTree(outside, { 'elsewhere.txt': 'E' });
    writeTree(pair.source, { 'own.txt': 'O' });
    mount(['--bind', outside], path.join(pair.source, 'bound'));

    const walled = await pair.sync();
    expect(walled.summary).toMatchObject({ status: 'ok', errors: 0 });
    expect(walled.events).toContainEqual(expect.objectContaining({ type: 'op', op: 'skip', path: 'bound', detail: expect.stringContaining('a mount point') }));
    expect(fs.readFileSync(path.join(pair.replica, 'own.txt'), 'utf8')).toBe('O');
    expect(fs.existsSync(path.join(pair.replica, 'bound/elsewhere.txt'))).toBe(false);

    const crossed = await pair.sync({ crossFileSystems: true });
    expect(crossed.summary).toMatchObject({ status: 'ok', errors: 0 });
    expect(fs.readFileSync(path.join(pair.replica, 'bound/elsewhere.txt'), 'utf8')).toBe('E');
  });

  it('a bind mount that shows the replica inside the source: refused for safety, nothing changed, at every run', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    writeTree(pair.replica, { 'old.txt': 'O' });
    mount(['--bind', pair.replica], path.join(pair.source, 'rep'));
    const [source, replica] = [describeTree(pair.source), describeTree(pair.replica)];
    for (let run = 0; run < 2; run += 1) {
      await expect(pair.sync()).rejects.toMatchObject({ constructor: ConfigError, reason: 'overlap' });
      await expect(validatePair({ source: pair.source, replica: pair.replica })).rejects.toThrow(
        `The replica "${pair.replica}" is inside the source "${pair.source}" (through a bind mount it is also at "${fs.realpathSync(pair.source)}/rep"); choose a folder outside it.`,
      );
      expect(describeTree(pair.source)).toEqual(source);
      expect(describeTree(pair.replica)).toEqual(replica);
    }
  });

  it('a bind mount that shows the source inside the replica: refused the same way', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'A' });
    mount(['--bind', pair.source], path.join(pair.replica, 'inner'));
    const source = describeTree(pair.source);
    await expect(pair.sync()).rejects.toMatchObject({ constructor: ConfigError, reason: 'overlap' });
    await expect(validatePair({ source: pair.source, replica: pair.replica })).rejects.toThrow(`The source "${pair.source}" is inside the replica "${pair.replica}"`);
    expect(describeTree(pair.source)).toEqual(source);
  });
});
