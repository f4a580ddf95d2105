/**
 * No privilege is handed out (issue 19 §2), run as root over files other users own: ownership is not mirrored, so a
 * set-uid or set-gid bit on a copy would hand root's rights to whoever may run it. Those bits are cleared and said
 * once; every other mode bit is mirrored as it is, as rsync -a does (a 0777 folder stays 0777, the sticky bit stays).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makePair, type Pair } from '../../helpers/pair.js';

const NOBODY = 65534;
let pair: Pair | undefined;
afterEach(() => pair?.cleanup());

const modeOf = (file: string): number => fs.lstatSync(file).mode & 0o7777;

describe.skipIf(process.getuid?.() !== 0)('modes of a root run over other users\' files (needs root)', () => {
  it('a nobody-owned 4755 file becomes a root-owned 0755 copy, said in one warning; 0777 and sticky folders are mirrored as they are', async () => {
    pair = makePair();
    const src = (rel: string): string => path.join(pair!.source, rel);
    fs.writeFileSync(src('tool'), '#!/bin/sh\necho hi\n');
    fs.writeFileSync(src('group-tool'), 'g');
    fs.mkdirSync(src('shared'));
    fs.mkdirSync(src('tmp'));
    fs.mkdirSync(src('open'));
    fs.writeFileSync(src('open/inside.txt'), 'anyone may write here');
    // chown first: it clears set-uid and set-gid, as the kernel does on every chown.
    for (const rel of ['tool', 'group-tool', 'shared', 'tmp', 'open', 'open/inside.txt']) fs.chownSync(src(rel), NOBODY, NOBODY);
    fs.chmodSync(src('tool'), 0o4755);
    fs.chmodSync(src('group-tool'), 0o2755);
    fs.chmodSync(src('shared'), 0o2775);
    fs.chmodSync(src('tmp'), 0o1777);
    fs.chmodSync(src('open'), 0o777);
    expect(modeOf(src('tool'))).toBe(0o4755);

    const first = await pair.sync();
    expect(first.summary).toMatchObject({ status: 'ok', errors: 0 });
    const warnings = first.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toEqual([
      '3 entries have set-uid or set-gid bits (the first: "group-tool"); the replica gets them without those bits, as ownership is not mirrored.',
    ]);
    const rep = (rel: string): string => path.join(pair!.replica, rel);
    expect(modeOf(rep('tool'))).toBe(0o755);
    expect(fs.lstatSync(rep('tool')).uid).toBe(0);
    expect(modeOf(rep('group-tool'))).toBe(0o755);
    expect(modeOf(rep('shared'))).toBe(0o775);
    // The choice README states: modes as they are, minus set-uid/set-gid. The sticky bit only restricts.
    expect(modeOf(rep('tmp'))).toBe(0o1777);
    expect(modeOf(rep('open'))).toBe(0o777);
    expect(fs.readFileSync(rep('tool'), 'utf8')).toBe('#!/bin/sh\necho hi\n');

    // Said once: the next run finds the copies as they should be and says nothing more.
    const second = await pair.sync();
    expect(second.summary).toMatchObject({ status: 'ok', copied: 0, updated: 0, metadata: 0 });
    expect(second.events.filter((e) => e.type === 'warning')).toEqual([]);
    expect(modeOf(rep('tool'))).toBe(0o755);
  });
});
