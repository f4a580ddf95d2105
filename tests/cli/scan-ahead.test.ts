import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanAhead } from '../../main/cli/scan-ahead.js';
import { toByteString } from '../../main/engine/fs/paths.js';
import { ScansAhead, scanOne } from '../../main/engine/scan/parallel.js';
import { runSync } from '../../main/engine/run/sync.js';
import { makePair, type Pair } from '../helpers/pair.js';
import { writeTree } from '../helpers/tree.js';

let pair: Pair;
afterEach(() => pair.cleanup());

const root = (folder: string): string => toByteString(fs.realpathSync(folder));

describe('scans started ahead of a run', () => {
  it('are taken once, and only for the same root, excludes and crossing of file systems', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'a', 'd/b.txt': 'b' });
    const ahead = new ScansAhead();
    const request = { excludes: ['*.tmp'], sameDevice: true, small: true };
    ahead.start(root(pair.source), request);
    expect(ahead.take(root(pair.source), { ...request, excludes: [] })).toBeUndefined();
    expect(ahead.take(root(pair.source), { ...request, sameDevice: false })).toBeUndefined();
    expect(ahead.take(root(pair.replica), request)).toBeUndefined();
    const scan = ahead.take(root(pair.source), request);
    expect((await scan!).table.paths).toEqual((await scanOne(root(pair.source), request)).table.paths);
    expect(ahead.take(root(pair.source), request)).toBeUndefined();
  });

  it('are what the command line starts for the pair it names, before it checks anything else', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'a' });
    const argv = ['-s', pair.source, '-r', pair.replica, '--once', '-l', path.join(pair.root, 'logs'), '--state-dir', pair.state];
    const ahead = scanAhead(argv)!;
    const request = { excludes: [], sameDevice: true };
    expect(ahead.take(root(pair.replica), request)).toBeDefined();
    expect((await ahead.take(root(pair.source), request))?.table.paths).toEqual(['a.txt']);
    // A replica yet to be made is not scanned; a mistake on the command line starts nothing (runCli reports it).
    fs.rmdirSync(pair.replica);
    const fresh = scanAhead(argv)!;
    expect(fresh.take(root(pair.source), request)).toBeDefined();
    expect(fresh.take(toByteString(pair.replica), request)).toBeUndefined();
    expect(scanAhead(['-s', pair.source, '-i', 'soon'])).toBeUndefined();
    expect(scanAhead(['--help'])).toBeUndefined();
  });

  it('serve the run that takes them: it sees the tree as the scan found it', async () => {
    pair = makePair();
    writeTree(pair.source, { 'a.txt': 'a', 'd/b.txt': 'b' });
    const ahead = new ScansAhead();
    ahead.start(root(pair.source), { excludes: [], sameDevice: true, smallTree: true });
    ahead.start(root(pair.replica), { excludes: [], sameDevice: true, smallTree: true });
    // Written after the scans: the run does not copy it (the next one will), which proves it used them.
    fs.writeFileSync(path.join(pair.source, 'late.txt'), 'late');
    expect(await runSync({ source: pair.source, replica: pair.replica, stateDir: pair.state }, ahead)).toMatchObject({ status: 'ok', copied: 2, created: 1 });
    expect(fs.existsSync(path.join(pair.replica, 'late.txt'))).toBe(false);
    expect((await pair.sync()).summary).toMatchObject({ status: 'ok', copied: 1 });
    pair.expectMirror();
  });
});
