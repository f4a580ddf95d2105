// Checks that a replica equals the source: same entries, types, sizes, file mtimes (to the second), mode
// bits and symlink targets, plus the full contents of a deterministic sample of files (every file a
// mutation touched, and an even spread of the rest) and sampled chunks of the big files.
import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLE_SPREAD = 200;
const CHUNK = 1024 * 1024;
const MAX_PROBLEMS_SHOWN = 10;

/** Walks a tree with synchronous lstats: relative path → what matters for equality. */
export function walk(root) {
  const tree = new Map();
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop();
    for (const dirent of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? dirent.name : `${rel}/${dirent.name}`;
      const st = lstatSync(join(root, path));
      const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
      tree.set(path, {
        kind,
        size: kind === 'file' ? st.size : 0,
        mtimeS: Math.floor(st.mtimeMs / 1000),
        mode: st.mode & 0o7777,
        target: kind === 'symlink' ? readlinkSync(join(root, path)) : undefined,
        ino: st.ino,
      });
      if (kind === 'dir') stack.push(path);
    }
  }
  return tree;
}

function sameChunks(a, b, size) {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    const bufA = Buffer.alloc(CHUNK);
    const bufB = Buffer.alloc(CHUNK);
    const last = Math.max(0, size - CHUNK);
    for (const pos of [0, Math.floor(last / 3), Math.floor((2 * last) / 3), last]) {
      const n = readSync(fa, bufA, 0, CHUNK, pos);
      const m = readSync(fb, bufB, 0, CHUNK, pos);
      if (n !== m || !bufA.subarray(0, n).equals(bufB.subarray(0, m))) return false;
    }
    return true;
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}

/** The files whose contents are compared: the touched ones plus an even spread, all big ones (sampled). */
export function contentSample(source, touched) {
  const files = [...source].filter(([, e]) => e.kind === 'file').map(([p]) => p).sort();
  const step = Math.max(1, Math.floor(files.length / SAMPLE_SPREAD));
  const sample = new Set(touched.filter((p) => source.get(p)?.kind === 'file'));
  for (let i = 0; i < files.length; i += step) sample.add(files[i]);
  // Small files are at most 8 KiB: anything larger is one of the big files, always checked.
  for (const p of files) if (source.get(p).size > 8 * 1024) sample.add(p);
  return sample;
}

/**
 * @param {{srcRoot: string, source: Map<string, object>, repRoot: string, keepsSymlinks: boolean, sample: Set<string>}} args
 * @returns {{ok: boolean, problems: string[], problemCount: number, dirMtimeDiffs: number, compared: number}}
 */
export function compareTrees({ srcRoot, source, repRoot, keepsSymlinks, sample }) {
  const replica = walk(repRoot);
  const problems = [];
  let problemCount = 0;
  const problem = (text) => {
    problemCount++;
    if (problems.length < MAX_PROBLEMS_SHOWN) problems.push(text);
  };
  let dirMtimeDiffs = 0;
  for (const [path, s] of source) {
    if (s.kind === 'symlink' && !keepsSymlinks) continue;
    const r = replica.get(path);
    if (!r) { problem(`missing in replica: ${path}`); continue; }
    if (r.kind !== s.kind) { problem(`${path}: ${s.kind} in source, ${r.kind} in replica`); continue; }
    if (s.kind === 'file' && r.size !== s.size) problem(`${path}: size ${s.size} in source, ${r.size} in replica`);
    if (s.kind === 'file' && r.mtimeS !== s.mtimeS) problem(`${path}: mtime ${s.mtimeS} in source, ${r.mtimeS} in replica`);
    if (s.kind !== 'symlink' && r.mode !== s.mode) problem(`${path}: mode ${s.mode.toString(8)} in source, ${r.mode.toString(8)} in replica`);
    if (s.kind === 'symlink' && r.target !== s.target) problem(`${path}: link to "${s.target}" in source, "${r.target}" in replica`);
    // Directory mtimes are reported, not failed: the brief's equality is about files, and several peers
    // do not keep them.
    if (s.kind === 'dir' && r.mtimeS !== s.mtimeS) dirMtimeDiffs++;
  }
  for (const path of replica.keys()) {
    if (!source.has(path)) problem(`extra in replica: ${path}`);
  }
  let compared = 0;
  for (const path of sample) {
    const s = source.get(path);
    const r = replica.get(path);
    if (!r || r.kind !== 'file' || r.size !== s.size) continue; // already reported above
    const a = join(srcRoot, path);
    const b = join(repRoot, path);
    const same = s.size > 8 * CHUNK ? sameChunks(a, b, s.size) : readFileSync(a).equals(readFileSync(b));
    if (!same) problem(`${path}: contents differ`);
    compared++;
  }
  return { ok: problemCount === 0, problems, problemCount, dirMtimeDiffs, compared, replica };
}
