/** The inotify watches a process holds (all its threads), from /proc/<pid>/fdinfo. */
export declare function inotifyWatches(pid?: number | 'self'): number;
