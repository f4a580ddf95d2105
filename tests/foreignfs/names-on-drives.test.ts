/**
 * names.ts against the drives themselves: what nameProblem says about a name (given the probed traits) must be
 * what the drive does with it, and every pair of names a case-insensitive drive takes as one must share a caseKey.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKey, nameProblem } from '../../main/engine/fs/names.js';
import { probeReplica } from '../../main/engine/fs/probe.js';
import type { ReplicaTraits } from '../../main/engine/types.js';
import { IMAGE_KINDS, imageSupportMissing, mountImage, type MountedImage } from '../helpers/fs-images.js';

const b = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** Byte-string names, one per thing a drive may refuse or change. */
const NAMES = [
  'plain.txt',
  ' leading space',
  ...[':', '*', '?', '"', '<', '>', '|', '\\'].map((char) => `w${char}x`),
  'ctl\x01x',
  'ctl\x1fx',
  'del\x7fx',
  'dot.',
  'space ',
  '...',
  b('été'),
  b('日本語'),
  b('emoji 😀'),
  'bad\xff',
  'truncated\xc3',
];

/** Pairs a case-insensitive drive might take as one name. */
const CASE_PAIRS = [
  ['a.txt', 'A.TXT'],
  ['MiXeD', 'mixed'],
  ['é', 'É'],
  ['σ', 'Σ'],
  ['σ', 'ς'],
  ['ω', 'Ω'],
  ['ｆ', 'Ｆ'],
  ['ß', 'ẞ'],
  ['ß', 'SS'],
  ['\u00e9', 'e\u0301'],
  ['ı', 'I'],
  ['i', 'İ'],
  ['k', '\u212a'],
  ['ǅ', 'ǆ'],
  ['\u{10428}', '\u{10400}'],
].map(([x, y]) => [b(x ?? ''), b(y ?? '')] as const);

/** Creates `name` in `dir` and reports whether the drive then lists exactly that name. */
async function holds(dir: string, name: string): Promise<boolean> {
  const bytes = Buffer.from(name, 'latin1');
  try {
    await fs.writeFile(Buffer.concat([Buffer.from(`${dir}/`), bytes]), 'x');
  } catch {
    return false;
  }
  const listed = await fs.readdir(dir, { encoding: 'buffer' });
  return listed.some((entry) => entry.equals(bytes));
}

async function emptyDir(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { encoding: 'buffer' })) {
    await fs.unlink(Buffer.concat([Buffer.from(`${dir}/`), entry]));
  }
}

async function checkNames(dir: string, traits: ReplicaTraits): Promise<void> {
  const disagreements: string[] = [];
  for (const name of NAMES) {
    const held = await holds(dir, name);
    const problem = nameProblem(name, traits);
    if (held !== (problem === undefined)) disagreements.push(`${JSON.stringify(name)}: held=${held} problem=${problem}`);
    await emptyDir(dir);
  }
  expect(disagreements).toEqual([]);
}

describe('names on the temp dir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'folder-sync-names-'));
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('holds every name, as nameProblem says', async () => {
    await checkNames(dir, await probeReplica(dir));
  });
});

for (const kind of IMAGE_KINDS) {
  const missing = imageSupportMissing(kind);
  if (missing !== undefined) console.warn(`skipping the ${kind} name tests: ${missing}`);

  describe.skipIf(missing !== undefined)(`names on ${kind}`, () => {
    let drive: MountedImage;
    let dir: string;
    let traits: ReplicaTraits;
    beforeAll(async () => {
      drive = await mountImage(kind);
      traits = await probeReplica(drive.dir);
      dir = path.join(drive.dir, 'names');
      await fs.mkdir(dir);
    });
    afterAll(async () => {
      await drive?.dispose();
    });

    it('refuses exactly the names nameProblem reports', async () => {
      await checkNames(dir, traits);
    });

    it('never makes one entry of two names with different case keys', async () => {
      const missed: string[] = [];
      for (const [first, second] of CASE_PAIRS) {
        if (!(await holds(dir, first))) continue;
        const same = await fs.lstat(Buffer.from(`${dir}/${second}`, 'latin1')).then(
          () => true,
          () => false,
        );
        if (same && caseKey(first) !== caseKey(second)) missed.push(`${first} / ${second}`);
        if (same) expect(traits.caseSensitive).toBe(false);
        await emptyDir(dir);
      }
      expect(missed).toEqual([]);
    });
  });
}
