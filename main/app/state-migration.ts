/**
 * Records and logs used to live under ~/.config/folder-sync (Electron's userData); they are state in the XDG
 * sense and belong in ~/.local/state/folder-sync. Moved once, at start, before anything reads them: a record left
 * behind would make an upgraded app treat every replica as new (and ask before its first sync again).
 */
import fs from 'node:fs/promises';

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Moves `from` to `to` unless `to` exists already; true when moved. Across file systems: copy, then remove. */
export async function moveOnce(from: string, to: string): Promise<boolean> {
  if (!(await exists(from)) || (await exists(to))) return false;
  await fs.mkdir(to.slice(0, to.lastIndexOf('/')) || '/', { recursive: true, mode: 0o700 });
  try {
    await fs.rename(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await fs.cp(from, to, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, errorOnExist: true, force: false });
    await fs.rm(from, { recursive: true, force: true });
  }
  return true;
}
