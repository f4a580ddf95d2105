#define _GNU_SOURCE
#include "ops.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "args.h"
#include "errors.h"
#include "listing.h"
#include "stat.h"

/* Linux's number for fchmodat2 (6.6 and later), the same on every architecture; older headers lack it. */
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static napi_value fail(napi_env env, const char *syscall, const char *path, const char *dest) {
  throw_errno(env, errno, syscall, path, dest);
  return NULL;
}

static napi_value fd_result(napi_env env, int fd, const char *syscall, const char *path) {
  return fd < 0 ? fail(env, syscall, path, NULL) : js_number(env, fd);
}

static napi_value done(napi_env env, int rc, const char *syscall, const char *path, const char *dest) {
  return rc != 0 ? fail(env, syscall, path, dest) : js_undefined(env);
}

/* openRoot(absPath): the user's own folder; symlinks on the way are the user's choice and are followed. */
static napi_value open_root(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  struct bytes_arg path;
  if (!get_args(env, info, 1, argv) || !get_path(env, argv[0], "open", &path)) return NULL;
  return fd_result(env, open(path.bytes, O_RDONLY | O_DIRECTORY | O_CLOEXEC), "open", path.bytes);
}

/* Reads (dirFd, name) from the first two arguments. */
static bool fd_and_name(napi_env env, napi_value *argv, const char *syscall, int32_t *fd, struct bytes_arg *name) {
  return get_int(env, argv[0], fd) && get_name(env, argv[1], syscall, name);
}

static napi_value open_dir_at(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t dirfd;
  struct bytes_arg name;
  if (!get_args(env, info, 2, argv) || !fd_and_name(env, argv, "openat", &dirfd, &name)) return NULL;
  int fd = openat(dirfd, name.bytes, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return fd_result(env, fd, "openat", name.bytes);
}

static napi_value open_at(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t dirfd, flags;
  uint32_t mode;
  struct bytes_arg name;
  if (!get_args(env, info, 4, argv) || !fd_and_name(env, argv, "openat", &dirfd, &name)) return NULL;
  if (!get_int(env, argv[2], &flags) || !get_uint(env, argv[3], &mode)) return NULL;
  int fd = openat(dirfd, name.bytes, flags | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
  return fd_result(env, fd, "openat", name.bytes);
}

/* The caller's Float64Array for the STAT_FIELDS numbers: filling it costs one call, an object would cost twelve. */
static bool stat_out(napi_env env, napi_value value, double **out) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) == napi_ok && type == napi_float64_array && length >= STAT_FIELDS) {
    *out = data;
    return true;
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "folder_sync: a Float64Array of 11 numbers was expected");
  return false;
}

/* statAt(dirFd, name, out): false when there is no such entry. */
static napi_value stat_at_js(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t dirfd;
  struct bytes_arg name;
  double *out;
  if (!get_args(env, info, 3, argv) || !fd_and_name(env, argv, "statx", &dirfd, &name) || !stat_out(env, argv[2], &out)) return NULL;
  struct raw_stat st;
  const char *syscall = "statx";
  int err = stat_at(dirfd, name.bytes, AT_SYMLINK_NOFOLLOW, &st, &syscall);
  napi_value found;
  if (err == ENOENT) {
    napi_get_boolean(env, false, &found);
    return found;
  }
  if (err != 0) {
    throw_errno(env, err, syscall, name.bytes, NULL);
    return NULL;
  }
  stat_numbers(&st, out);
  napi_get_boolean(env, true, &found);
  return found;
}

static napi_value fstat_js(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  double *out;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &fd) || !stat_out(env, argv[1], &out)) return NULL;
  struct raw_stat st;
  const char *syscall = "statx";
  int err = stat_at(fd, "", AT_EMPTY_PATH, &st, &syscall);
  if (err != 0) {
    throw_errno(env, err, syscall, NULL, NULL);
    return NULL;
  }
  stat_numbers(&st, out);
  return js_undefined(env);
}

/* The names joined by NUL into one string: one string to make instead of one per name. */
static napi_value joined_names(napi_env env, const struct listing *names) {
  struct buf joined = {0};
  for (size_t i = 0; i < names->count; i += 1) {
    const char *name = listing_name(names, i);
    if ((i > 0 && !buf_append(&joined, "", 1)) || !buf_append(&joined, name, strlen(name))) {
      buf_free(&joined);
      throw_errno(env, ENOMEM, "getdents64", NULL, NULL);
      return NULL;
    }
  }
  napi_value result = js_latin1(env, joined.data == NULL ? "" : joined.data, joined.len);
  buf_free(&joined);
  return result;
}

/* readDir(dirFd): the names joined by NUL, '' for an empty folder. */
static napi_value read_dir(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t dirfd;
  if (!get_args(env, info, 1, argv) || !get_int(env, argv[0], &dirfd)) return NULL;
  int fd;
  int err = reopen_dir(dirfd, &fd);
  if (err != 0) {
    throw_errno(env, err, "open", NULL, NULL);
    return NULL;
  }
  struct listing names = {0};
  char *dents = malloc(DENTS_SIZE);
  err = dents == NULL ? ENOMEM : list_dir(fd, &names, dents);
  free(dents);
  close(fd);
  napi_value result = NULL;
  if (err != 0) throw_errno(env, err, "getdents64", NULL, NULL);
  else result = joined_names(env, &names);
  listing_free(&names);
  return result;
}

static napi_value mkdir_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t dirfd;
  uint32_t mode;
  struct bytes_arg name;
  if (!get_args(env, info, 3, argv) || !fd_and_name(env, argv, "mkdirat", &dirfd, &name) || !get_uint(env, argv[2], &mode)) return NULL;
  return done(env, mkdirat(dirfd, name.bytes, (mode_t)mode), "mkdirat", name.bytes, NULL);
}

static napi_value unlink_at(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t dirfd;
  struct bytes_arg name;
  if (!get_args(env, info, 2, argv) || !fd_and_name(env, argv, "unlinkat", &dirfd, &name)) return NULL;
  return done(env, unlinkat(dirfd, name.bytes, 0), "unlinkat", name.bytes, NULL);
}

static napi_value rmdir_at(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t dirfd;
  struct bytes_arg name;
  if (!get_args(env, info, 2, argv) || !fd_and_name(env, argv, "unlinkat", &dirfd, &name)) return NULL;
  return done(env, unlinkat(dirfd, name.bytes, AT_REMOVEDIR), "unlinkat", name.bytes, NULL);
}

/* (fromDirFd, fromName, toDirFd, toName), for rename and link. */
struct two_names {
  int32_t from_fd, to_fd;
  struct bytes_arg from, to;
};

static bool get_two_names(napi_env env, napi_callback_info info, const char *syscall, struct two_names *out) {
  napi_value argv[4];
  return get_args(env, info, 4, argv) && fd_and_name(env, argv, syscall, &out->from_fd, &out->from) &&
         fd_and_name(env, argv + 2, syscall, &out->to_fd, &out->to);
}

static napi_value rename_at(napi_env env, napi_callback_info info) {
  struct two_names n;
  if (!get_two_names(env, info, "renameat", &n)) return NULL;
  return done(env, renameat(n.from_fd, n.from.bytes, n.to_fd, n.to.bytes), "renameat", n.from.bytes, n.to.bytes);
}

/* Flags 0: a symlink named as the source is linked itself, never the file it points to. */
static napi_value link_at(napi_env env, napi_callback_info info) {
  struct two_names n;
  if (!get_two_names(env, info, "linkat", &n)) return NULL;
  return done(env, linkat(n.from_fd, n.from.bytes, n.to_fd, n.to.bytes, 0), "linkat", n.from.bytes, n.to.bytes);
}

static napi_value symlink_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t dirfd;
  struct bytes_arg target, name;
  if (!get_args(env, info, 3, argv) || !get_path(env, argv[0], "symlinkat", &target)) return NULL;
  if (!fd_and_name(env, argv + 1, "symlinkat", &dirfd, &name)) return NULL;
  return done(env, symlinkat(target.bytes, dirfd, name.bytes), "symlinkat", target.bytes, name.bytes);
}

static napi_value readlink_at(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t dirfd;
  struct bytes_arg name;
  if (!get_args(env, info, 2, argv) || !fd_and_name(env, argv, "readlinkat", &dirfd, &name)) return NULL;
  struct buf target = {0};
  int err = read_link_at(dirfd, name.bytes, &target);
  napi_value result = NULL;
  if (err != 0) throw_errno(env, err, "readlinkat", name.bytes, NULL);
  else result = js_latin1(env, target.data, target.len);
  buf_free(&target);
  return result;
}

/* What glibc's fchmodat(AT_SYMLINK_NOFOLLOW) does where the kernel lacks fchmodat2: pin the entry, refuse a link, chmod it through /proc. */
static int chmod_pinned(int dirfd, const char *name, mode_t mode) {
  int fd = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  struct stat st;
  int err = 0;
  if (fstat(fd, &st) != 0) err = errno;
  else if (S_ISLNK(st.st_mode)) err = EOPNOTSUPP;
  else {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (chmod(proc, mode) != 0) err = errno;
  }
  close(fd);
  return err;
}

static napi_value chmod_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t dirfd;
  uint32_t mode;
  struct bytes_arg name;
  if (!get_args(env, info, 3, argv) || !fd_and_name(env, argv, "fchmodat", &dirfd, &name) || !get_uint(env, argv[2], &mode)) return NULL;
  /* fchmodat2 refuses a symlink itself (EOPNOTSUPP); ENOSYS before Linux 6.6, EPERM from some seccomp filters. */
  int err = 0;
  if (syscall(SYS_fchmodat2, dirfd, name.bytes, (mode_t)mode, AT_SYMLINK_NOFOLLOW) != 0) err = errno;
  if (err == ENOSYS || err == EPERM) err = chmod_pinned(dirfd, name.bytes, (mode_t)mode);
  if (err == 0) return js_undefined(env);
  throw_errno(env, err, "fchmodat", name.bytes, NULL);
  return NULL;
}

static napi_value fchmod_js(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  uint32_t mode;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &fd) || !get_uint(env, argv[1], &mode)) return NULL;
  return done(env, fchmod(fd, (mode_t)mode), "fchmod", NULL, NULL);
}

/*
 * A time in ms (a double, as fs.Stats gives it) as the nearest timespec: whole ms split off first, so the
 * nanoseconds come from the fraction at the double's full precision (~0.24 us today), not from ms * 1e6.
 */
bool timespec_from_ms(double ms, struct timespec *out) {
  if (!isfinite(ms) || fabs(ms) > 9e15) return false;
  double whole = floor(ms);
  int64_t whole_ms = (int64_t)whole;
  int64_t sec = whole_ms / 1000;
  int64_t rem = whole_ms % 1000;
  if (rem < 0) {
    rem += 1000;
    sec -= 1;
  }
  int64_t nsec = rem * 1000000 + llround((ms - whole) * 1e6);
  if (nsec >= 1000000000) {
    nsec -= 1000000000;
    sec += 1;
  }
  out->tv_sec = sec;
  out->tv_nsec = nsec;
  return true;
}

/* Reads atimeMs and mtimeMs from argv[0..1]. */
static bool get_times(napi_env env, napi_value *argv, const char *syscall, struct timespec times[2]) {
  double atime, mtime;
  if (!get_number(env, argv[0], &atime) || !get_number(env, argv[1], &mtime)) return false;
  if (timespec_from_ms(atime, &times[0]) && timespec_from_ms(mtime, &times[1])) return true;
  throw_errno(env, EINVAL, syscall, NULL, NULL);
  return false;
}

static napi_value set_times_at(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  int32_t dirfd;
  struct bytes_arg name;
  struct timespec times[2];
  if (!get_args(env, info, 4, argv) || !fd_and_name(env, argv, "utimensat", &dirfd, &name) || !get_times(env, argv + 2, "utimensat", times)) return NULL;
  return done(env, utimensat(dirfd, name.bytes, times, AT_SYMLINK_NOFOLLOW), "utimensat", name.bytes, NULL);
}

static napi_value futimes_js(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  int32_t fd;
  struct timespec times[2];
  if (!get_args(env, info, 3, argv) || !get_int(env, argv[0], &fd) || !get_times(env, argv + 1, "futimens", times)) return NULL;
  return done(env, futimens(fd, times), "futimens", NULL, NULL);
}

static napi_value close_js(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int32_t fd;
  if (!get_args(env, info, 1, argv) || !get_int(env, argv[0], &fd)) return NULL;
  /* Linux has released the descriptor even when close says EINTR: retrying could close someone else's. */
  if (close(fd) != 0 && errno != EINTR) return fail(env, "close", NULL, NULL);
  return js_undefined(env);
}

/* lseek(fd, offset, whence): the new offset, or -1 for ENXIO (no data, or no hole, at or after the offset). */
static napi_value seek(napi_env env, napi_callback_info info, int whence) {
  napi_value argv[2];
  int32_t fd;
  double offset;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &fd) || !get_number(env, argv[1], &offset)) return NULL;
  if (!(offset >= 0 && offset <= 9007199254740991.0 && offset == floor(offset))) {
    throw_errno(env, EINVAL, "lseek", NULL, NULL);
    return NULL;
  }
  off_t at = lseek(fd, (off_t)offset, whence);
  if (at >= 0) return js_number(env, (double)at);
  if (errno == ENXIO) return js_number(env, -1);
  return fail(env, "lseek", NULL, NULL);
}

static napi_value seek_data(napi_env env, napi_callback_info info) {
  return seek(env, info, SEEK_DATA);
}

static napi_value seek_hole(napi_env env, napi_callback_info info) {
  return seek(env, info, SEEK_HOLE);
}

napi_status define_ops(napi_env env, napi_value exports) {
  const napi_property_descriptor ops[] = {
      {"openRoot", NULL, open_root, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openDirAt", NULL, open_dir_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openAt", NULL, open_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"statAt", NULL, stat_at_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fstat", NULL, fstat_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readDir", NULL, read_dir, NULL, NULL, NULL, napi_enumerable, NULL},
      {"mkdirAt", NULL, mkdir_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unlinkAt", NULL, unlink_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"rmdirAt", NULL, rmdir_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"renameAt", NULL, rename_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"linkAt", NULL, link_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"symlinkAt", NULL, symlink_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readlinkAt", NULL, readlink_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"chmodAt", NULL, chmod_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fchmod", NULL, fchmod_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setTimesAt", NULL, set_times_at, NULL, NULL, NULL, napi_enumerable, NULL},
      {"futimes", NULL, futimes_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_js, NULL, NULL, NULL, napi_enumerable, NULL},
      {"seekData", NULL, seek_data, NULL, NULL, NULL, napi_enumerable, NULL},
      {"seekHole", NULL, seek_hole, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof ops / sizeof ops[0], ops);
}
