/**
 * Permission faults: trees owned by an unprivileged user, with a few entries it may not read or write, synced by
 * a run under that user (root ignores permission bits, so tests running as root drop to `nobody`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const NOBODY = { uid: 65534, gid: 65534 };

export function unprivilegedSupportMissing(): string | undefined {
  return process.getuid?.() === 0 ? undefined : 'dropping to another user needs root';
}

/** Hands `dir` and everything below it to `nobody`, and lets it through the folders above (temp dirs are 0700). */
export function giveToNobody(dir: string): void {
  execFileSync('chown', ['-R', `${NOBODY.uid}:${NOBODY.gid}`, dir]);
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
}
