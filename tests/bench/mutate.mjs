// The changes applied to the source between scenarios. Each mutation is applied once to the source; every
// tool then syncs the same state into its own replica.
import { lstatSync, readdirSync, renameSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from './prng.mjs';
import { BIG_DIR, BIG_DIR_RENAMED, smallSize } from './generate.mjs';

/**
 * 1% of the small files modified (half keep their size, half change it), 1% added, 1% deleted.
 * Returns the touched paths so verification can compare their contents.
 */
export function incremental(root, plan, pool) {
  const rng = createRng(plan.seed ^ 0x1ac);
  const n = plan.small.length;
  const share = Math.max(1, Math.round(n * 0.01));
  const picked = rng.sample(n, Math.min(n, 2 * share));
  const modifiedIdx = picked.slice(0, share);
  const deletedIdx = picked.slice(share);
  const modified = [];
  modifiedIdx.forEach((idx, k) => {
    const f = plan.small[idx];
    const p = join(root, f.path);
    const before = lstatSync(p);
    let size = f.size;
    if (k % 2 === 1) {
      while (size === f.size) size = smallSize(rng);
    }
    // A different slice of the pool: different content (the pool is random, so equal slices are as
    // good as impossible).
    let off = rng.int(pool.length - size);
    if (off === f.off) off = (off + 1) % (pool.length - size);
    writeFileSync(p, pool.subarray(off, off + size));
    // The mtime must differ by whole seconds, or a tool comparing at 1 s precision could rightly call the
    // same-size files unchanged.
    const mtime = Math.max(Date.now() / 1000, before.mtimeMs / 1000 + 3);
    utimesSync(p, mtime, mtime);
    modified.push(f.path);
  });
  const deleted = [];
  for (const idx of deletedIdx) {
    unlinkSync(join(root, plan.small[idx].path));
    deleted.push(plan.small[idx].path);
  }
  const added = [];
  const folders = ['', ...plan.dirs];
  for (let i = 0; i < share; i++) {
    const folder = folders[rng.int(folders.length)];
    const name = `new-${i}.dat`;
    const path = folder === '' ? name : `${folder}/${name}`;
    const size = smallSize(rng);
    const off = rng.int(pool.length - size);
    writeFileSync(join(root, path), pool.subarray(off, off + size));
    added.push(path);
  }
  return { modified, added, deleted, touched: [...modified, ...added] };
}

/** `mv big big-renamed` in the source. */
export function renameBigFolder(root) {
  renameSync(join(root, BIG_DIR), join(root, BIG_DIR_RENAMED));
}

/** The name a big file gets in the rename-files scenario. */
export const renamedFile = (name) => name.replace(/\.bin$/, '-renamed.bin');

/**
 * Every big file renamed in its folder (`mv x.bin x-renamed.bin`): a rename moves each file's ctime, so our tool
 * confirms each by a bounded sample of its contents before moving it (README, "How it works"). Returns the folder.
 */
export function renameBigFiles(root) {
  const folder = [BIG_DIR_RENAMED, BIG_DIR].find((f) => {
    try {
      return lstatSync(join(root, f)).isDirectory();
    } catch {
      return false;
    }
  });
  for (const name of readdirSync(join(root, folder))) renameSync(join(root, folder, name), join(root, folder, renamedFile(name)));
  return folder;
}
