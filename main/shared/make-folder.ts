/**
 * `mkdir -p` that always ends. Node's `mkdirSync(dir, { recursive: true })` loops for ever, at full CPU, where a
 * file system answers ENOENT to a mkdir in a folder that exists (/proc, /sys/kernel/...): seen with `-l /proc/x`.
 * Here each missing folder is made by itself, from the nearest one that exists, and the first refusal is thrown.
 */
import fs from 'node:fs';
import path from 'node:path';

function errno(code: string, message: string, at: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, mkdir '${at}'`), { code, path: at, syscall: 'mkdir' });
}

export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; ) {
    const stat = fs.statSync(at, { throwIfNoEntry: false });
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw errno('ENOTDIR', 'not a directory', at);
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder);
    } catch (error) {
      // Made meanwhile by someone else: as good as made here.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(folder).isDirectory()) throw error;
    }
  }
}
