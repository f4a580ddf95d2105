/*
 * lstat/fstat as Node's fs does them (libuv: statx with STATX_BASIC_STATS|STATX_BTIME, fstatat where statx is
 * missing), the numbers in the form fs.Stats gives them, bit for bit, and a symlink's target.
 */
#ifndef FOLDER_SYNC_STAT_H
#define FOLDER_SYNC_STAT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct raw_stat {
  uint32_t mode;
  uint32_t nlink;
  uint32_t uid;
  uint32_t gid;
  uint64_t size;
  uint64_t blocks;
  uint64_t ino;
  uint64_t dev;
  int64_t mtime_sec, ctime_sec, btime_sec;
  uint32_t mtime_nsec, ctime_nsec, btime_nsec;
  bool has_btime; /* false where the file system keeps none (FAT, exFAT, NTFS through FUSE) */
  /* The mount the entry is seen through (statx's STATX_MNT_ID, Linux 5.8+): a bind mount of the same file system
     has the same dev but its own mount id. */
  uint64_t mnt_id;
  bool has_mnt_id;
};

/*
 * `flags`: AT_SYMLINK_NOFOLLOW for an entry of `dirfd`, AT_EMPTY_PATH with name "" for `dirfd` itself.
 * Returns 0 or an errno; `*syscall` names the call that failed.
 */
int stat_at(int dirfd, const char *name, int flags, struct raw_stat *out, const char **syscall);

/*
 * Node's msFromTimeSpec: `sec * 1e3 + nsec / 1e6` in doubles. Built with -ffp-contract=off, so no compiler
 * fuses the multiply and the add (an FMA rounds once, V8 rounds twice, and the last bit would differ).
 */
double ms_from_timespec(int64_t sec, uint32_t nsec);

/* The columns fs.Stats' numbers come in, for the JS side: mode, size, blocks, mtimeMs, ctimeMs, birthtimeMs, ino, dev, nlink, uid, gid. */
#define STAT_FIELDS 11
void stat_numbers(const struct raw_stat *st, double out[STAT_FIELDS]);

/* A symlink's target, appended to `out` (no NUL added), however long it is. Returns 0 or an errno. */
int read_link_at(int dirfd, const char *name, struct buf *out);

#endif
