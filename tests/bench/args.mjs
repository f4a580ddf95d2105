// Command-line flags of the benchmark. Bad input is one sentence and exit code 2, like the product's CLI.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from './tools.mjs';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export const USAGE = `Usage: npm run bench -- [options]

  --files N        small files (1-8 KiB) in the tree           (default 100000)
  --big N          big files, all in the folder "big"           (default 8)
  --big-size MiB   size of each big file                        (default 128)
  --repeats K      repeats; tables show medians                 (default 3)
  --tools LIST     comma-separated subset of ours,rsync,rclone,cp,find (default: all installed)
  --dir PATH       work folder for the trees (default: a new folder under the OS temp folder)
  --json FILE      where to write the results                   (default tests/bench/results/latest.json)
  --baseline FILE  the JSON of a smaller run (say 100k), to check that the no-change time grows linearly
  --only LIST      comma-separated scenarios to measure, of ${SCENARIOS.join(',')} (the initial mirror
                   always runs: the others start from it)
  --ours-root DIR  measure the command built in another checkout (an older commit) as "ours"
  --variant NAME=DIR[:VAR=VALUE...]
                   also measure the command built in DIR as the tool "ours-NAME", with these environment variables
                   (repeatable: a same-run A/B of builds or backends, each into its own replica and state folder)
  --rounds K       run the no-change scenario K times per repeat, tools rotating each round (default 1)
  --seed N         PRNG seed for trees and mutations            (default 1)
  --timeout SEC    longest any one command may run              (default 900)
  --drop-caches    drop the page cache before every measured command (root only); default is a warm cache
  --keep           keep the work folder afterwards
  --help           this text`;

export class UsageError extends Error {}

const ALL_TOOLS = ['ours', 'rsync', 'rclone', 'cp', 'find'];

function count(name, value, min) {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min) {
    throw new UsageError(`${name} needs a whole number of at least ${min}, got ${value === undefined ? 'nothing' : `"${value}"`}.`);
  }
  return Number(value);
}

/**
 * "NAME=DIR[:VAR=VALUE...]": another build of ours (or the same one on another backend) measured beside the others.
 * @param {string | undefined} text
 */
function parseVariant(text) {
  const m = /^([A-Za-z0-9_.-]+)=([^:]+)((?::[A-Za-z_][A-Za-z0-9_]*=[^:]*)*)$/.exec(text ?? '');
  if (!m) throw new UsageError(`--variant takes NAME=DIR[:VAR=VALUE...], got "${text ?? ''}".`);
  const env = Object.fromEntries(m[3].split(':').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return { name: m[1], root: resolve(m[2]), env };
}

/** @param {string[]} argv */
export function parseArgs(argv) {
  const opts = {
    files: 100_000,
    big: 8,
    bigSizeMiB: 128,
    repeats: 3,
    tools: ALL_TOOLS,
    toolsGiven: false,
    dir: undefined,
    json: resolve(repoRoot, 'tests/bench/results/latest.json'),
    baseline: undefined,
    seed: 1,
    timeoutSec: 900,
    only: SCENARIOS,
    oursRoot: repoRoot,
    variants: [],
    rounds: 1,
    dropCaches: false,
    keep: false,
    help: false,
    repoRoot,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => argv[++i];
    switch (flag) {
      case '--files': opts.files = count(flag, next(), 1); break;
      case '--big': opts.big = count(flag, next(), 0); break;
      case '--big-size': opts.bigSizeMiB = count(flag, next(), 1); break;
      case '--repeats': opts.repeats = count(flag, next(), 1); break;
      case '--seed': opts.seed = count(flag, next(), 0); break;
      case '--timeout': opts.timeoutSec = count(flag, next(), 1); break;
      case '--dir': opts.dir = resolve(next() ?? ''); break;
      case '--json': opts.json = resolve(next() ?? ''); break;
      case '--baseline': opts.baseline = resolve(next() ?? ''); break;
      case '--ours-root': opts.oursRoot = resolve(next() ?? ''); break;
      case '--variant': opts.variants.push(parseVariant(next())); break;
      case '--rounds': opts.rounds = count(flag, next(), 1); break;
      case '--drop-caches': opts.dropCaches = true; break;
      case '--only': {
        const list = (next() ?? '').split(',').filter(Boolean);
        const bad = list.filter((s) => !SCENARIOS.includes(s));
        if (list.length === 0 || bad.length > 0) {
          throw new UsageError(`--only takes a comma-separated list of ${SCENARIOS.join(', ')}; "${bad.join(',')}" is not one.`);
        }
        opts.only = ['initial', ...list.filter((s) => s !== 'initial')];
        break;
      }
      case '--keep': opts.keep = true; break;
      case '--help': case '-h': opts.help = true; break;
      case '--tools': {
        const list = (next() ?? '').split(',').filter(Boolean);
        const bad = list.filter((t) => !ALL_TOOLS.includes(t));
        if (list.length === 0 || bad.length > 0) {
          throw new UsageError(`--tools takes a comma-separated list of ${ALL_TOOLS.join(', ')}; "${bad.join(',')}" is not one.`);
        }
        opts.tools = list;
        opts.toolsGiven = true;
        break;
      }
      default:
        throw new UsageError(`Unknown option "${flag}" (see --help).`);
    }
  }
  return opts;
}
