/**
 * The text of `folder-sync --help`. The man page (build/make-man.mjs) and the shell completions
 * (build/make-completions.mjs) are generated from it, so an option documented here is documented everywhere.
 * Option lines have one shape: two spaces, the short form or four spaces, the long form and its argument, then the
 * meaning from column 28; a meaning continued on the next line starts at column 28 too.
 */

export const USAGE_LINE = 'folder-sync -s SOURCE -r REPLICA (-i INTERVAL | --once | -n) [options]';

export const SUMMARY_LINE = 'Keeps REPLICA an exact one-way mirror of SOURCE, syncing every INTERVAL.';

export const OPTIONS_TEXT = `  -s, --source DIR         folder to mirror (must exist)            (alias: --source-dir)
  -r, --replica DIR        mirror target (created if missing; its parent must exist and be writable)
                           (alias: --replica-dir)
  -i, --interval SPEC      ##d##h##m##s, parts in that order: 1d, 2h30m, 45s, 05d04h03m02s
  -l, --log-dir DIR        where folder-sync.log goes (created if missing; default
                           $XDG_STATE_HOME/folder-sync/logs, i.e. ~/.local/state/folder-sync/logs)
      --once               one run, then exit (then -i is optional)
  -n, --dry-run            print the planned actions and why, change nothing (implies one run; writes
                           no log unless -l is given, and creates no folder)
  -c, --checksum           compare contents even when size and mtime match
  -x, --one-file-system    do not descend into mount points inside the source, bind mounts included (the default)
      --cross-file-systems descend into file systems mounted inside the source
      --exclude PATTERN    leave paths matching the gitignore PATTERN alone on both sides (repeatable)
      --include PATTERN    do not exclude paths matching PATTERN (repeatable); between --include and
                           --exclude the first one that matches wins, as in rsync
      --exclude-from FILE  gitignore lines from FILE (repeatable; "-" is not accepted)
      --state-dir DIR      where the file record lives (default $XDG_STATE_HOME/folder-sync,
                           i.e. ~/.local/state/folder-sync)
      --allow-empty-source let an empty source empty the replica
      --max-delete N|P%    refuse the whole run if it would delete more than N entries (or P percent of
                           the replica): nothing is changed. Unlike rsync's, which deletes N and stops.
      --trash DIR          keep deleted and overwritten replica files in dated folders under DIR
                           (beside the replica, never inside it)            (alias: --backup-dir)
      --trash-days N       remove those dated folders after N days (default 30)
      --modify-window SECONDS  extra tolerance when comparing mtimes (as rsync)
      --watch              notice changes between intervals and sync early after 2 s of quiet
      --json               one JSON object per line on stdout for each event (schema in the README);
                           nothing else goes to stdout
  -v, --verbose            also print every operation, and statistics after each summary
      --stats              print statistics after each summary: entries scanned, bytes read, time per
                           stage
  -q, --quiet              print errors only
  -h, --help               show this help
  -V, --version            show the version
`;

export const EXCLUDES_TEXT = `Excludes use gitignore's syntax exactly (man gitignore): "/build" only at the top, "build/" only folders,
"docs/*.md" relative to the top, "**/tmp" at any depth, "!keep.md" takes a path back. Rules come from, in
rising precedence: the file .folder-sync-ignore at the top of SOURCE (mirrored too, unless it excludes itself),
each --exclude-from FILE, then --include and --exclude, of which the first that matches wins. A pattern that
can never match (a path taken back below an excluded folder, a trailing space) is warned about.
`;

export const BEHAVIOUR_TEXT = `Without --once it runs every INTERVAL (measured from the start of the previous run; a run that overruns is
followed at once). Type "quit" + Enter, or press Ctrl-C, to stop: a running sync finishes first ("finishing
current sync..."); while waiting it exits at once. SIGTERM and SIGHUP (the terminal closed) ask the same. A
second request aborts the running sync (exit code 130).

Every entry that is skipped (a FIFO, socket or device; a name or symlink the replica cannot hold; a case
collision; a file that changed while it was copied) is named on stderr as "warning: PATH: REASON", up to 20
a run; the log names all of them. On a terminal the progress line updates in place; piped, a progress
line at most every 5 s. NO_COLOR is respected (no colour is used).
`;

export const EXIT_CODES_TEXT = `Exit codes:
  0  done (entries the replica cannot represent are only warnings)
  1  the run finished but some entries failed
  2  bad usage or configuration; nothing was touched
  3  refused for safety (source and replica overlapping, emptied source, --max-delete exceeded,
     replica drive not connected); nothing was changed
  4  the run finished, but the log could not be written completely (stderr names the file and the cause)
  130  aborted by a second Ctrl-C
With --once or --dry-run the code is that of the one run; 4 replaces 0 and 1. In the periodic loop, quitting
gives the code of the last finished run (0 if it succeeded or none ran), 4 if any log line was lost.
`;

export const HELP_TEXT = `Usage: ${USAGE_LINE}

${SUMMARY_LINE}

${OPTIONS_TEXT}
${EXCLUDES_TEXT}
${BEHAVIOUR_TEXT}
${EXIT_CODES_TEXT}`;
