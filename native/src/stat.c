#define _GNU_SOURCE
#include "stat.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

double ms_from_timespec(int64_t sec, uint32_t nsec) {
  return (double)sec * 1e3 + (double)nsec / 1e6;
}

static void from_stat(const struct stat *st, struct raw_stat *out) {
  out->mode = st->st_mode;
  out->nlink = (uint32_t)st->st_nlink;
  out->uid = st->st_uid;
  out->gid = st->st_gid;
  out->size = (uint64_t)st->st_size;
  out->blocks = (uint64_t)st->st_blocks;
  out->ino = st->st_ino;
  out->dev = st->st_dev;
  out->mtime_sec = st->st_mtim.tv_sec;
  out->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
  out->ctime_sec = st->st_ctim.tv_sec;
  out->ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
  /* stat(2) has no birth time: unknown. */
  out->btime_sec = 0;
  out->btime_nsec = 0;
  out->has_btime = false;
  out->mnt_id = 0;
  out->has_mnt_id = false;
}

#ifdef STATX_BASIC_STATS
static void from_statx(const struct statx *st, struct raw_stat *out) {
  out->mode = st->stx_mode;
  out->nlink = st->stx_nlink;
  out->uid = st->stx_uid;
  out->gid = st->stx_gid;
  out->size = st->stx_size;
  out->blocks = st->stx_blocks;
  out->ino = st->stx_ino;
  out->dev = makedev(st->stx_dev_major, st->stx_dev_minor); /* what libuv reports as st_dev */
  out->mtime_sec = st->stx_mtime.tv_sec;
  out->mtime_nsec = st->stx_mtime.tv_nsec;
  out->ctime_sec = st->stx_ctime.tv_sec;
  out->ctime_nsec = st->stx_ctime.tv_nsec;
  out->has_btime = (st->stx_mask & STATX_BTIME) != 0;
  out->btime_sec = out->has_btime ? st->stx_btime.tv_sec : 0;
  out->btime_nsec = out->has_btime ? st->stx_btime.tv_nsec : 0;
#ifdef STATX_MNT_ID
  out->has_mnt_id = (st->stx_mask & STATX_MNT_ID) != 0;
  out->mnt_id = out->has_mnt_id ? st->stx_mnt_id : 0;
#else
  out->has_mnt_id = false;
  out->mnt_id = 0;
#endif
}

/* libuv's test for "statx is not usable here" (old kernels, seccomp filters, some network file systems). */
static bool statx_unusable(int err) {
  return err == ENOSYS || err == EINVAL || err == EPERM || err == EOPNOTSUPP;
}
#endif

int stat_at(int dirfd, const char *name, int flags, struct raw_stat *out, const char **syscall) {
#ifdef STATX_BASIC_STATS
  struct statx stx;
  /* The mount id costs the kernel nothing more (it fills it whether asked or not since 5.8). */
#ifdef STATX_MNT_ID
  const unsigned int mask = STATX_BASIC_STATS | STATX_BTIME | STATX_MNT_ID;
#else
  const unsigned int mask = STATX_BASIC_STATS | STATX_BTIME;
#endif
  if (statx(dirfd, name, flags, mask, &stx) == 0) {
    from_statx(&stx, out);
    return 0;
  }
  if (!statx_unusable(errno)) {
    *syscall = "statx";
    return errno;
  }
#endif
  struct stat st;
  if (fstatat(dirfd, name, &st, flags) != 0) {
    *syscall = "fstatat";
    return errno;
  }
  from_stat(&st, out);
  return 0;
}

void stat_numbers(const struct raw_stat *st, double out[STAT_FIELDS]) {
  out[0] = st->mode;
  out[1] = (double)st->size;
  out[2] = (double)st->blocks;
  out[3] = ms_from_timespec(st->mtime_sec, st->mtime_nsec);
  out[4] = ms_from_timespec(st->ctime_sec, st->ctime_nsec);
  out[5] = st->has_btime ? ms_from_timespec(st->btime_sec, st->btime_nsec) : 0;
  out[6] = (double)st->ino;
  out[7] = (double)st->dev;
  out[8] = st->nlink;
  out[9] = st->uid;
  out[10] = st->gid;
}

int read_link_at(int dirfd, const char *name, struct buf *out) {
  size_t room = 256;
  for (;;) {
    if (!buf_reserve(out, room)) return ENOMEM;
    ssize_t n = readlinkat(dirfd, name, out->data + out->len, room);
    if (n < 0) return errno;
    /* A target that filled the room may have been cut short: try again with more. */
    if ((size_t)n < room) {
      out->len += (size_t)n;
      return 0;
    }
    room *= 2;
  }
}
