// How many inotify watches this process holds, all threads together: the kernel lists one `inotify wd:` line per
// watch in /proc/<pid>/fdinfo/<fd> of each inotify descriptor (libuv opens one per event loop, so one per thread).
import fs from 'node:fs';

/** @param {number | 'self'} [pid] */
export function inotifyWatches(pid = 'self') {
  let watches = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed since the listing
    }
    if (target !== 'anon_inode:inotify') continue;
    watches += (fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? []).length;
  }
  return watches;
}
