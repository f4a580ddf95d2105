// A small seeded PRNG (sfc32): the same seed gives the same trees and mutations on every machine,
// so runs of the benchmark are comparable. Math.random cannot be seeded.

/** @param {number} seed */
export function createRng(seed) {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const u32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of sfc32 still look like the seed: discard them.
  for (let i = 0; i < 16; i++) u32();
  /** Integer in [0, n). The modulo bias is negligible for the n used here. */
  const int = (n) => u32() % n;
  return {
    u32,
    int,
    /** Integer in [lo, hi], both included. */
    range: (lo, hi) => lo + int(hi - lo + 1),
    /** `count` distinct indices of [0, n), in random order (partial Fisher–Yates). */
    sample(n, count) {
      const idx = new Uint32Array(n);
      for (let i = 0; i < n; i++) idx[i] = i;
      const k = Math.min(count, n);
      for (let i = 0; i < k; i++) {
        const j = i + int(n - i);
        const tmp = idx[i];
        idx[i] = idx[j];
        idx[j] = tmp;
      }
      return Array.from(idx.subarray(0, k));
    },
  };
}

/** A buffer of pseudo-random bytes that file contents are sliced from, so generation does no per-file RNG work. */
export function randomPool(rng, bytes) {
  const words = new Uint32Array(Math.ceil(bytes / 4));
  for (let i = 0; i < words.length; i++) words[i] = rng.u32();
  return Buffer.from(words.buffer, 0, bytes);
}
