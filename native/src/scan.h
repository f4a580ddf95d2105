/*
 * The tree scan, in plain C (no Node-API: it also runs on libuv's thread pool). It lists what scan-codec.ts's
 * scanTreePacked lists, in the same order and with the same numbers, but walks by descriptor: each folder is
 * opened with openat(parent, name, O_NOFOLLOW|O_DIRECTORY), so a folder swapped for a symlink mid-scan is a
 * problem, never a way out of the tree.
 */
#ifndef FOLDER_SYNC_SCAN_H
#define FOLDER_SYNC_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Per row: size, mtimeMs, ctimeMs, ino, dev, birthtimeMs; and kind code, mode & 07777. */
#define SCAN_NUMBERS 6
#define SCAN_SMALL 2

struct scan_options {
  const char *reserved_prefix;
  size_t reserved_len;
  bool same_device; /* do not walk into another mount (another device, or a bind mount of the same one) */
  /* Optional: 1 leaves the entry out (no row, not walked), 0 keeps it, -1 stops the scan (a JS exception is pending). */
  int (*exclude)(void *context, const char *rel, size_t len, bool is_dir);
  void *exclude_context;
};

struct scan_result {
  struct buf paths;      /* relative paths joined by NUL */
  size_t count;
  struct buf numbers;    /* double × SCAN_NUMBERS per row */
  struct buf small;      /* uint32_t × SCAN_SMALL per row */
  struct buf targets;    /* per symlink: uint32_t row, uint32_t length, the target's bytes */
  size_t target_count;
  struct strings problems;  /* pairs: path, message */
  struct strings unreadable;
  struct strings reserved;
  struct strings mounts;
  /* The scan as a whole failed (root unreadable, out of memory): an errno and the call; 0 when it did not. */
  int error;
  const char *syscall;
  /* The exclude callback threw: its exception is pending. */
  bool aborted;
};

/* Scans the folder `root_fd` (which it takes over and closes). The result is zeroed first. */
void scan_tree(int root_fd, const struct scan_options *options, struct scan_result *result);
void scan_result_free(struct scan_result *result);

#endif
