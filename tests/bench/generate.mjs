// Builds the deterministic source tree. Generation is not measured, but a 100k-file tree must still be
// quick to make: contents are slices of one random pool and every call is a plain synchronous fs call.
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createRng, randomPool } from './prng.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
const POOL_BYTES = 32 * MiB;
const BIG_CHUNK = 4 * MiB;
const FILES_PER_DIR = 50;
const MAX_DEPTH = 4;
const EXTENSIONS = ['.txt', '.dat', '.json', '.jpg', '.md', '.bin'];
export const BIG_DIR = 'big';
export const BIG_DIR_RENAMED = 'big-renamed';

/** Small-file size: 1–8 KiB, not a multiple of anything in particular. */
export const smallSize = (rng) => rng.range(KiB, 8 * KiB);

/**
 * The tree as plain data: folders (parents first), small files, symlinks, big files. Pure: the same options
 * give the same plan.
 */
export function planTree({ files, big, bigSizeMiB, seed }) {
  const rng = createRng(seed);
  const dirCount = Math.max(1, Math.round(files / FILES_PER_DIR));
  const dirs = [];
  const depth = [0];
  const eligible = [''];
  const paths = [''];
  for (let i = 0; i < dirCount; i++) {
    const parent = eligible[rng.int(eligible.length)];
    const path = parent === '' ? `dir-${i}` : `${parent}/dir-${i}`;
    const d = parent === '' ? 1 : parent.split('/').length + 1;
    dirs.push(path);
    paths.push(path);
    depth.push(d);
    if (d < MAX_DEPTH) eligible.push(path);
  }
  // Two folders stay empty on purpose: mirroring empty folders is part of the job.
  dirs.push('empty-a', 'dir-0/empty-b');
  const small = [];
  for (let i = 0; i < files; i++) {
    const folder = paths[rng.int(paths.length)];
    const name = `f${i}${EXTENSIONS[rng.int(EXTENSIONS.length)]}`;
    const size = smallSize(rng);
    small.push({ path: folder === '' ? name : `${folder}/${name}`, size, off: rng.int(POOL_BYTES - size) });
  }
  // A few relative symlinks (one per 10,000 files), pointing at a file in the same folder.
  const symlinks = [];
  for (let i = 0; i < Math.max(1, Math.floor(files / 10_000)); i++) {
    const target = small[rng.int(small.length)].path;
    const slash = target.lastIndexOf('/');
    symlinks.push({ path: `${target.slice(0, slash + 1)}link-${i}`, target: target.slice(slash + 1) });
  }
  const bigFiles = [];
  for (let i = 0; i < big; i++) {
    bigFiles.push({ path: `${BIG_DIR}/big-${String(i).padStart(2, '0')}.bin`, size: bigSizeMiB * MiB });
  }
  return { seed, dirs, small, symlinks, big: bigFiles };
}

/** Writes a planned tree under `root` (which must not exist yet). Returns totals for the report. */
export function writeTree(root, plan, log) {
  const pool = randomPool(createRng(plan.seed ^ 0x5eed), POOL_BYTES);
  mkdirSync(root, { recursive: true });
  for (const dir of plan.dirs) mkdirSync(join(root, dir));
  let bytes = 0;
  plan.small.forEach((f, i) => {
    writeFileSync(join(root, f.path), pool.subarray(f.off, f.off + f.size));
    bytes += f.size;
    if (log && i > 0 && i % 50_000 === 0) log(`  … ${i} files written`);
  });
  for (const link of plan.symlinks) symlinkSync(link.target, join(root, link.path));
  if (plan.big.length > 0) mkdirSync(join(root, BIG_DIR));
  const rng = createRng(plan.seed ^ 0xb16);
  for (const f of plan.big) {
    const fd = openSync(join(root, f.path), 'w');
    try {
      for (let done = 0; done < f.size; ) {
        const n = Math.min(BIG_CHUNK, f.size - done);
        const off = rng.int(POOL_BYTES - n);
        done += writeSync(fd, pool, off, n);
      }
    } finally {
      closeSync(fd);
    }
    bytes += f.size;
  }
  return {
    files: plan.small.length + plan.big.length,
    dirs: plan.dirs.length + (plan.big.length > 0 ? 1 : 0),
    symlinks: plan.symlinks.length,
    bytes,
    pool,
  };
}
