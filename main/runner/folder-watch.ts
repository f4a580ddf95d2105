/**
 * chokidar set up to cost one inotify watch per folder, not one per entry, and to set the watches up a few folders
 * at a time.
 *
 * Per folder: every non-folder is `ignored`, so chokidar never opens a watch for a file. inotify on a folder already
 * reports what happens to the entries in it (a write, a new file, a removal, a rename), and chokidar hands those
 * reports on as 'raw' events with the watched folder and the entry's name, whether or not it tracks the entry.
 *
 * A few at a time: left to itself, chokidar starts reading every folder of the tree at once and stats all their
 * entries together, so the whole tree's stats are alive at the same moment: memory that grows with the tree.
 * Here each chokidar instance watches a wave of folders without descending (`depth: 0`), and the next wave starts
 * when the last is ready. The folders of a wave are found by listing (no stat per entry). A folder that appears
 * later is reported by its parent's instance ('addDir') and joins the next wave, with whatever is inside it.
 *
 * Only "something changed" leaves here: the run that follows scans the whole tree, so which entry changed, and
 * how, does not matter. Paths the run excludes are dropped, so churn there (a build folder) schedules nothing.
 */
import type { Stats } from 'node:fs';
import { opendir } from 'node:fs/promises';
import path from 'node:path';
import { watch, type ChokidarOptions, type FSWatcher } from 'chokidar';
import { createExcludeMatcher, toByteString } from '../engine/index.js';

export interface FolderWatchOptions {
  /** The folder to watch (the sync source). */
  readonly root: string;
  /** The run's gitignore lines: changes to paths they exclude call for no run. */
  readonly excludes?: readonly string[];
  /** An entry in a watched folder changed (called for every report; the caller batches). */
  readonly onChange: () => void;
  /** The initial set-up is done: every folder has its watch. */
  readonly onReady: () => void;
  /** The watcher failed and has closed itself; called at most once. */
  readonly onError: (error: Error) => void;
  /** Seam for tests that need a watcher error on demand; chokidar's `watch` otherwise. */
  readonly createWatcher?: (paths: string[], options: ChokidarOptions) => FSWatcher;
}

export interface FolderWatch {
  close(): Promise<void>;
}

/** A wave ends at this many folders or this many entries in them, whichever comes first. */
const WAVE_FOLDERS = 64;
const WAVE_ENTRIES = 4096;
/** How often a source that is not there yet (its drive unplugged) is looked for. */
const MISSING_ROOT_CHECK_MS = 2000;

/** The source is not there (yet): not a failure of the watcher, which waits for it. */
class MissingRoot extends Error {}

export function watchFolders(options: FolderWatchOptions): FolderWatch {
  const root = path.resolve(options.root);
  const excluded = createExcludeMatcher(options.excludes);
  const create = options.createWatcher ?? watch;
  /** Each watched folder and the chokidar instance that watches it. */
  const owners = new Map<string, FSWatcher>();
  const instances = new Set<FSWatcher>();
  /** Folders waiting for a wave, each with its entry count. */
  const queue: { folder: string; entries: number }[] = [];
  let closed = false;
  let pumping: Promise<void> | undefined;
  let rootCheck: NodeJS.Timeout | undefined;

  const isExcluded = (absolute: string, isDir: boolean): boolean => {
    if (excluded === undefined) return false;
    const rel = path.relative(root, absolute);
    if (rel === '' || rel.startsWith('..')) return false;
    return excluded(toByteString(rel), isDir);
  };

  // chokidar asks first without stats, then with them: the second ask drops every non-folder (a symlink is
  // kept for chokidar to record without following it, which costs no watch) and the folders the run excludes.
  const ignored = (absolute: string, stats?: Stats): boolean => {
    if (stats === undefined) return false;
    if (!stats.isDirectory()) return !stats.isSymbolicLink();
    return isExcluded(absolute, true);
  };

  const fail = (error: unknown): void => {
    if (closed) return;
    const err = error instanceof Error ? error : new Error(String(error));
    void close().finally(() => options.onError(err));
  };

  /** Lists `folder` (names and types only) to queue it with its subfolders for the next waves. */
  const discover = async (folder: string): Promise<void> => {
    const pending = [folder];
    for (let next = pending.pop(); next !== undefined && !closed; next = pending.pop()) {
      if (owners.has(next)) continue;
      let entries = 0;
      try {
        for await (const entry of await opendir(next)) {
          entries += 1;
          const child = path.join(next, entry.name);
          if (entry.isDirectory() && !isExcluded(child, true)) pending.push(child);
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (next === root && (code === 'ENOENT' || code === 'ENOTDIR')) throw new MissingRoot();
        if (next === root) throw Object.assign(new Error(`the source folder cannot be read (${code ?? 'unknown error'})`), { code });
        // Gone or unreadable since it was seen: the run reports what it cannot read; nothing to watch here.
        continue;
      }
      queue.push({ folder: next, entries });
      pump().catch(fail);
    }
  };

  /** Starts waves until the queue is empty, one at a time; settles when the queue has drained. */
  const pump = (): Promise<void> => {
    pumping ??= (async () => {
      while (queue.length > 0 && !closed) {
        const wave: string[] = [];
        let entries = 0;
        while (queue.length > 0 && wave.length < WAVE_FOLDERS && (wave.length === 0 || entries + queue[0]!.entries <= WAVE_ENTRIES)) {
          const { folder, entries: count } = queue.shift()!;
          if (owners.has(folder)) continue;
          wave.push(folder);
          entries += count;
        }
        if (wave.length > 0) await startWave(wave);
      }
    })().finally(() => {
      pumping = undefined;
    });
    return pumping;
  };

  const startWave = (folders: string[]): Promise<void> => {
    const instance = create(folders, {
      ignoreInitial: true,
      // Each folder watched alone; its subfolders come in their own waves.
      depth: 0,
      // The run reads links as links; following them could watch trees outside the source.
      followSymlinks: false,
      // An unreadable folder is the run's to report (skipped and logged), not a reason to stop watching.
      ignorePermissionErrors: true,
      ignored,
    });
    instances.add(instance);
    for (const folder of folders) owners.set(folder, instance);
    instance.on('raw', onRaw);
    instance.on('addDir', (folder: string) => {
      if (!closed && !owners.has(folder)) discover(folder).catch(fail);
    });
    instance.on('unlinkDir', (folder: string) => forget(folder));
    instance.on('error', fail);
    return new Promise((resolve) => instance.once('ready', () => resolve()));
  };

  /**
   * A folder is gone (removed, or renamed: its new name comes as a new folder): drop it and those below it, and
   * close an instance left with no folder, so a long session of folders coming and going keeps no empty instances.
   */
  const forget = (folder: string): void => {
    const inside = `${folder}${path.sep}`;
    const touched = new Set<FSWatcher>();
    for (const [watched, owner] of owners) {
      if (watched !== folder && !watched.startsWith(inside)) continue;
      owners.delete(watched);
      owner.unwatch(watched);
      touched.add(owner);
    }
    const inUse = new Set(owners.values());
    for (const instance of touched) {
      if (inUse.has(instance)) continue;
      instances.delete(instance);
      void instance.close();
    }
  };

  // The name alone cannot say whether the entry is a folder; asking as for a file errs towards one run too many
  // (a new folder under a folder-only rule such as `build/`), never towards a missed change.
  function onRaw(_event: string, name: string | null, details: unknown): void {
    if (closed) return;
    const folder = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof folder === 'string' && typeof name === 'string' && name !== '' && isExcluded(path.join(folder, name), false)) return;
    options.onChange();
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    clearTimeout(rootCheck);
    queue.length = 0;
    const closing = [...instances].map((instance) => {
      const done = instance.close();
      // close() drops every listener, but a scan still under way can emit more errors (one ENOSPC per folder
      // it fails to watch); an 'error' with no listener would throw and crash the process.
      instance.on('error', () => {});
      return done;
    });
    instances.clear();
    owners.clear();
    await Promise.all(closing);
  };

  let readySent = false;
  const ready = (): void => {
    if (closed || readySent) return;
    readySent = true;
    options.onReady();
  };
  // A source that is missing (on a drive not plugged in) is looked for until it appears; its appearing is a change.
  const watchRoot = (waited: boolean): void => {
    discover(root)
      .then(() => pumping)
      .then(() => {
        ready();
        if (waited && !closed) options.onChange();
      })
      .catch((error: unknown) => {
        if (!(error instanceof MissingRoot)) return fail(error);
        ready();
        if (!closed) rootCheck = setTimeout(() => watchRoot(true), MISSING_ROOT_CHECK_MS);
      });
  };
  watchRoot(false);

  return { close };
}
