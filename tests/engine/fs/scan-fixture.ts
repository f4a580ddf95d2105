/**
 * A tree with everything a scan meets: nested and empty folders, files of assorted sizes, symlinks (to a file,
 * to a folder, dangling, absolute), a FIFO, names that are not UTF-8 or hold spaces and newlines, names whose
 * byte order differs from any locale's, a reserved name with contents, and over a thousand entries in all.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { RESERVED_PREFIX } from '../../../main/engine/fs/paths.js';

const bytes = (latin1: string): Buffer => Buffer.from(latin1, 'latin1');

function file(root: string, rel: string, size: number): void {
  fs.writeFileSync(bytes(`${root}/${rel}`), Buffer.alloc(size, rel.length));
}

function dir(root: string, rel: string): void {
  fs.mkdirSync(bytes(`${root}/${rel}`), { recursive: true });
}

/** Builds the tree in `root` (an existing, empty folder; an ASCII path). */
export function buildScanFixture(root: string): void {
  const oddNames = ['B', 'a', 'a b', 'a-b', 'a.b', 'ab', 'caf\xe9', '\xff\xfe', 'new\nline', ' lead', 'Z', '~', '\x7f', 'r\xc3\xa9sum\xc3\xa9'];
  for (const name of oddNames) file(root, name, name.length * 3);
  for (let d = 0; d < 24; d += 1) {
    const folder = `d${String(d).padStart(2, '0')}${d % 5 === 0 ? ' sp\xe9' : ''}`;
    dir(root, folder);
    for (let f = 0; f < 40; f += 1) file(root, `${folder}/f${f}`, (f * 977 + d * 31) % 70_000);
    dir(root, `${folder}/empty`);
    dir(root, `${folder}/n1/n2/n3`);
    file(root, `${folder}/n1/n2/n3/deep.txt`, 12);
  }
  dir(root, 'links');
  fs.symlinkSync('../a', `${root}/links/to-file`);
  fs.symlinkSync('../d01', `${root}/links/to-dir`);
  fs.symlinkSync('nowhere/\xff', `${root}/links/dangling`);
  fs.symlinkSync(bytes('/etc/\xe9'), bytes(`${root}/links/abs \xe9`));
  execFileSync('mkfifo', [`${root}/links/fifo`]);
  dir(root, `${RESERVED_PREFIX}staging/inner`);
  file(root, `${RESERVED_PREFIX}staging/inner/hidden`, 5);
  file(root, `d03/${RESERVED_PREFIX}tmp-1`, 9);
  dir(root, 'emptytop');
}
