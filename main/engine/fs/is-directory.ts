/** Whether a path (links followed, as the user named it) is a folder now; any error means no. */
import fs from 'node:fs';

export function isDirectory(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}
