/**
 * A scan result packed for crossing a worker boundary: the paths' bytes separated by NUL (NUL never occurs in a
 * name) and typed-array columns, all transferred, not copied. Cloning a Map of 100,000 objects costs more
 * than the scan saves; this costs a few milliseconds.
 */
import { constants as fsConstants } from 'node:fs';
import { BTIME, CTIME, EMPTY_SCAN, INO, KIND, MODE, MTIME, NUMBERS, ScanSnapshot, SIXTH, SIZE, SMALL } from '../snapshot/snapshot.js';
import { loadAtOps, type AtOps, type NativeScanOptions } from '../fs/at.js';
import { RESERVED_PREFIX } from '../fs/paths.js';
import { walkTree, type ScanResult, type WalkOptions } from './walk.js';

export interface PackedScan {
  /** The paths' bytes (latin1 of byte strings) joined by NUL, none after the last. */
  readonly paths: Uint8Array;
  readonly count: number;
  /** Per row, in the snapshot's layout (snapshot.ts): size, mtime, ctime, inode, birth time, device. */
  readonly numbers: Float64Array;
  /** Per row: kind code, mode. */
  readonly small: Uint32Array;
  readonly targets: Array<[number, string]>;
  readonly problems: ScanResult['problems'];
  readonly unreadableDirs: string[];
  readonly reserved: string[];
  readonly mountPoints: string[];
}

const { S_IFMT, S_IFREG, S_IFDIR, S_IFLNK } = fsConstants;

/** The same tests as Stats.isFile/isDirectory/isSymbolicLink, on the mode already read. */
function kindCode(mode: number): number {
  const type = mode & S_IFMT;
  if (type === S_IFREG) return 0;
  if (type === S_IFDIR) return 1;
  if (type === S_IFLNK) return 2;
  return 3;
}

/** Entries the columns hold before they first grow; they double after that. */
const INITIAL_CAPACITY = 4096;

/**
 * Scans straight into typed-array columns, grown by doubling: no object per entry in the worker, so less garbage
 * and less memory. Paths are kept as one string per folder (its entries joined), not one string per entry.
 */
export function scanTreePacked(root: string | number, options: WalkOptions = {}): PackedScan {
  const ops = loadAtOps();
  // A path (a byte string) is opened here, following links in it (the user's own choice), and closed after.
  const rootFd = typeof root === 'number' ? root : ops.openRoot(root);
  try {
    return packWalk(rootFd, options, ops);
  } finally {
    if (typeof root !== 'number') ops.close(rootFd);
  }
}

function packWalk(rootFd: number, options: WalkOptions, ops: AtOps): PackedScan {
  let capacity = INITIAL_CAPACITY;
  let numbers = new Float64Array(capacity * NUMBERS);
  let small = new Uint32Array(capacity * SMALL);
  let count = 0;
  const targets: Array<[number, string]> = [];
  const chunks: string[] = []; // one per folder with entries: its paths joined by NUL
  let folderPrefix = '';
  let folderNames: string[] = [];
  const endFolder = (): void => {
    if (folderNames.length === 0) return;
    // 'a/' + ['x', 'y'].join('\0a/') is 'a/x\0a/y': the folder's paths without a string per path.
    chunks.push(folderPrefix + folderNames.join(`\0${folderPrefix}`));
    folderNames = [];
  };
  const grow = (): void => {
    capacity *= 2;
    const biggerNumbers = new Float64Array(capacity * NUMBERS);
    biggerNumbers.set(numbers);
    numbers = biggerNumbers;
    const biggerSmall = new Uint32Array(capacity * SMALL);
    biggerSmall.set(small);
    small = biggerSmall;
  };
  const report = walkTree(
    rootFd,
    {
      add(dirPrefix, name, stat, target) {
        // Each folder's entries arrive together, with the same prefix string.
        if (dirPrefix !== folderPrefix) {
          endFolder();
          folderPrefix = dirPrefix;
        }
        if (count === capacity) grow();
        const mode = stat.mode;
        const kind = kindCode(mode);
        if (target !== undefined) targets.push([count, target]);
        folderNames.push(name);
        const n = count * NUMBERS;
        numbers[n + SIZE] = kind === 0 ? stat.size : 0;
        numbers[n + MTIME] = stat.mtimeMs;
        numbers[n + CTIME] = stat.ctimeMs;
        numbers[n + INO] = stat.ino;
        numbers[n + BTIME] = stat.birthtimeMs;
        numbers[n + SIXTH] = stat.dev;
        const m = count * SMALL;
        small[m + KIND] = kind;
        small[m + MODE] = mode & 0o7777;
        count += 1;
      },
    },
    options,
    ops,
  );
  endFolder();
  return {
    paths: latin1Bytes(chunks.join('\0')),
    count,
    // Exactly `count` entries long, as before: the buffers are transferred, and readers may use their length.
    numbers: numbers.length === count * NUMBERS ? numbers : numbers.slice(0, count * NUMBERS),
    small: small.length === count * SMALL ? small : small.slice(0, count * SMALL),
    targets,
    ...report,
  };
}

/** A byte string's bytes in a buffer of their own (never Node's shared pool: the scan worker transfers it). */
function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  Buffer.from(bytes.buffer, 0, bytes.length).write(text, 0, 'latin1');
  return bytes;
}

/** The native scanner's options for a walk's (fs/at.ts). */
function nativeOptions(options: WalkOptions): NativeScanOptions {
  return {
    reservedPrefix: RESERVED_PREFIX,
    ...(options.exclude !== undefined ? { exclude: options.exclude } : {}),
    ...(options.sameDevice !== undefined ? { sameDevice: options.sameDevice } : {}),
  };
}

/**
 * Scans the tree at a byte-string path into columns in this thread: with the native scanner where it loaded
 * (several times faster: no Stats object per entry), else with the JavaScript walk. Both give the same columns.
 */
export function scanColumns(root: string, options: WalkOptions = {}): PackedScan {
  const ops = loadAtOps();
  const rootFd = ops.openRoot(root);
  try {
    return ops.scanSync !== undefined ? ops.scanSync(rootFd, nativeOptions(options)) : packWalk(rootFd, options, ops);
  } finally {
    ops.close(rootFd);
  }
}

/**
 * The same on libuv's thread pool, where the native scanner has no exclude to call (no JavaScript runs there):
 * two scans run in parallel with no worker thread to start. Undefined where that is not possible.
 */
export function scanColumnsAsync(root: string, options: WalkOptions = {}): Promise<PackedScan> | undefined {
  const ops = loadAtOps();
  if (ops.scanAsync === undefined || options.exclude !== undefined) return undefined;
  const rootFd = ops.openRoot(root);
  try {
    // The scanner opens the root afresh from this descriptor: it may be closed at once.
    return ops.scanAsync(rootFd, nativeOptions(options));
  } finally {
    ops.close(rootFd);
  }
}

/** A scan as the planner takes it: its snapshot and what the walk reported. */
export type TableScan = Omit<ScanResult, 'entries'> & {
  readonly table: ScanSnapshot;
  /** How long the scan took, from its start to its last entry (set by scanOne). */
  readonly durationMs?: number;
};

/** A packed scan as a snapshot: the paths stay one joined text until a path is first asked for. */
export function tableScan(packed: PackedScan): TableScan {
  const table = new ScanSnapshot(packed.paths, packed.count, packed.numbers, packed.small, new Map(packed.targets));
  return { table, problems: packed.problems, unreadableDirs: packed.unreadableDirs, reserved: packed.reserved, mountPoints: packed.mountPoints };
}

export function emptyTableScan(): TableScan {
  return { table: EMPTY_SCAN, problems: [], unreadableDirs: [], reserved: [], mountPoints: [] };
}
