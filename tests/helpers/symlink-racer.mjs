/**
 * The attacker of tests/helpers/swap-attack.ts, run as `nobody`: over and over, it swaps a folder of the replica
 * (which the mirror made writable for everyone, as the source's folders are) for a symlink to a decoy folder
 * outside, waits a moment, and sometimes puts the folder back. Until the stop file appears. It prints `started` after
 * its first swap and `swaps N` at the end. Usage: node symlink-racer.mjs REPLICA DECOY STOP_FILE
 */
import fs from 'node:fs';
import path from 'node:path';

const [replica, decoy, stopFile] = process.argv.slice(2);
let swaps = 0;
let seed = 12345;
const random = (n) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};

/** Folders of the replica down to two levels, found afresh each time (the mirror keeps changing them). */
function folders() {
  const out = [];
  const walk = (dir, depth) => {
    let names;
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of names) {
      if (!entry.isDirectory() || entry.name.startsWith('.~folder-sync')) continue;
      const full = path.join(dir, entry.name);
      out.push(full);
      if (depth < 2) walk(full, depth + 1);
    }
  };
  walk(replica, 1);
  return out;
}

function busyWait(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

while (!fs.existsSync(stopFile)) {
  const candidates = folders();
  if (candidates.length === 0) {
    busyWait(1);
    continue;
  }
  const target = candidates[random(candidates.length)];
  const aside = `${target}.racer-${swaps}`;
  try {
    fs.renameSync(target, aside);
    fs.symlinkSync(decoy, target);
    swaps += 1;
    if (swaps === 1) process.stdout.write('started\n');
  } catch {
    continue; // the mirror got there first
  }
  busyWait(random(3));
  // Most of the time the folder comes back (the mirror then finds what it left); sometimes the link stays.
  if (random(4) !== 0) {
    try {
      fs.unlinkSync(target);
      fs.renameSync(aside, target);
    } catch {
      // The mirror replaced the link meanwhile: fine.
    }
  }
}
process.stdout.write(`swaps ${swaps}\n`);
