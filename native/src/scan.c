#define _GNU_SOURCE
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "listing.h"
#include "stat.h"

/* Descriptors the folders being walked may hold at once; deeper, the highest folders' are closed (and reopened). */
#define OPEN_FRAMES_MAX 128
/* When a closed folder is reopened from the root down, how many folders of that chain keep their descriptor. */
#define REOPEN_KEEP 64

/* A folder being walked. */
struct frame {
  int fd;              /* -1 while closed to stay within OPEN_FRAMES_MAX */
  size_t rel_len;      /* its relative path in walk.rel, trailing '/' included (0 for the root) */
  uint64_t dev, ino;   /* what its row said: a reopened descriptor must be this folder */
  struct buf subdirs;  /* subfolders still to walk, in name order: uint64_t dev, uint64_t ino, name, NUL */
  size_t next;         /* offset in subdirs of the next one */
};

struct walk {
  const struct scan_options *options;
  struct scan_result *result;
  struct frame *frames;
  size_t depth, capacity;
  size_t closed_end;   /* frames[1 .. closed_end) have closed descriptors; the root's is never closed */
  struct buf rel;      /* the relative path being looked at */
  struct listing names;
  struct buf link;
  char *dents;
  uint64_t root_dev;
  uint64_t root_mnt_id;
  bool root_has_mnt_id;
};

static void fatal(struct walk *w, int err, const char *syscall) {
  if (w->result->error != 0) return;
  w->result->error = err;
  w->result->syscall = syscall;
}

static bool stopped(const struct walk *w) {
  return w->result->error != 0 || w->result->aborted;
}

static bool out_of_memory(struct walk *w) {
  fatal(w, ENOMEM, "malloc");
  return false;
}

/* The kind codes of scan-codec.ts's kindCode: file, dir, symlink, other. */
static uint32_t kind_code(uint32_t mode) {
  if (S_ISREG(mode)) return 0;
  if (S_ISDIR(mode)) return 1;
  if (S_ISLNK(mode)) return 2;
  return 3;
}

/* "cannot read (EACCES)", with the path: the words scan.ts uses. */
static bool add_problem(struct walk *w, const char *path, size_t len, const char *what, int err) {
  char scratch[ERRNO_NAME_SIZE];
  char message[64];
  int n = snprintf(message, sizeof message, "%s (%s)", what, errno_name(err, scratch));
  if (strings_add_pair(&w->result->problems, path, len, message, (size_t)n)) return true;
  return out_of_memory(w);
}

static bool add_row(struct walk *w, const struct raw_stat *st, const struct buf *target) {
  struct scan_result *r = w->result;
  uint32_t kind = kind_code(st->mode);
  double numbers[SCAN_NUMBERS] = {
      kind == 0 ? (double)st->size : 0,
      ms_from_timespec(st->mtime_sec, st->mtime_nsec),
      ms_from_timespec(st->ctime_sec, st->ctime_nsec),
      (double)st->ino,
      st->has_btime ? ms_from_timespec(st->btime_sec, st->btime_nsec) : 0,
      (double)st->dev,
  };
  uint32_t small[SCAN_SMALL] = {kind, st->mode & 07777};
  bool ok = (r->count == 0 || buf_append(&r->paths, "", 1)) && buf_append(&r->paths, w->rel.data, w->rel.len) &&
            buf_append(&r->numbers, numbers, sizeof numbers) && buf_append(&r->small, small, sizeof small);
  if (ok && target != NULL) {
    uint32_t head[2] = {(uint32_t)r->count, (uint32_t)target->len};
    ok = buf_append(&r->targets, head, sizeof head) && buf_append(&r->targets, target->data, target->len);
    r->target_count += ok;
  }
  if (!ok) return out_of_memory(w);
  r->count += 1;
  return true;
}

/*
 * Whether a subfolder is the root of another mount than the walk's: another device, or the same device seen
 * through another mount (a bind mount of a folder of the same file system, which st_dev cannot tell apart).
 * Every folder walked is on the root's mount, so comparing with the root's mount id is comparing with the parent's.
 */
static bool is_other_mount(const struct walk *w, const struct raw_stat *st) {
  if (st->dev != w->root_dev) return true;
  return w->root_has_mnt_id && st->has_mnt_id && st->mnt_id != w->root_mnt_id;
}

/* A folder to walk later; with sameDevice, one on another mount is listed as a mount point instead. */
static bool add_subdir(struct walk *w, struct frame *f, const char *name, const struct raw_stat *st) {
  if (w->options->same_device && is_other_mount(w, st)) {
    if (strings_add(&w->result->mounts, w->rel.data, w->rel.len)) return true;
    return out_of_memory(w);
  }
  size_t len = strlen(name);
  bool ok = buf_reserve(&f->subdirs, 16 + len + 1) && buf_append(&f->subdirs, &st->dev, 8) && buf_append(&f->subdirs, &st->ino, 8) &&
            buf_append_str(&f->subdirs, name, len);
  return ok || out_of_memory(w);
}

/* 1 excluded, 0 kept, -1 the callback threw. */
static int excluded(struct walk *w, bool is_dir) {
  const struct scan_options *o = w->options;
  if (o->exclude == NULL) return 0;
  int verdict = o->exclude(o->exclude_context, w->rel.data, w->rel.len, is_dir);
  if (verdict < 0) w->result->aborted = true;
  return verdict;
}

/* One entry of the folder `fd` (w->rel is its path): a row, a problem, or nothing (vanished, excluded). */
static bool visit_entry(struct walk *w, int fd, struct frame *f, const char *name, unsigned char type) {
  const char *syscall = "statx";
  struct raw_stat st;
  int err = stat_at(fd, name, AT_SYMLINK_NOFOLLOW, &st, &syscall);
  if (err == ENOENT) return true; /* gone since the listing, as lstat's throwIfNoEntry: false */
  /* Unstattable entries are still offered to exclude (with the folder's own word on their type): an excluded entry is never a problem. */
  int verdict = excluded(w, err != 0 ? type == DT_DIR : S_ISDIR(st.mode));
  if (verdict != 0) return verdict > 0;
  if (err != 0) return add_problem(w, w->rel.data, w->rel.len, "cannot read", err);
  const struct buf *target = NULL;
  if (S_ISLNK(st.mode)) {
    w->link.len = 0;
    err = read_link_at(fd, name, &w->link);
    if (err != 0) return add_problem(w, w->rel.data, w->rel.len, "cannot read", err);
    target = &w->link;
  }
  if (!add_row(w, &st, target)) return false;
  return !S_ISDIR(st.mode) || add_subdir(w, f, name, &st);
}

static bool is_reserved(const struct scan_options *o, const char *name, size_t len) {
  return o->reserved_len > 0 && len >= o->reserved_len && memcmp(name, o->reserved_prefix, o->reserved_len) == 0;
}

/* Lists the folder `fd` (w->rel is its path with a trailing '/'): 0, or the errno that kept it from being listed. */
static int walk_folder(struct walk *w, int fd, struct frame *f) {
  listing_clear(&w->names);
  int err = list_dir(fd, &w->names, w->dents);
  if (err != 0) return err;
  listing_sort(&w->names);
  size_t base = w->rel.len;
  for (size_t i = 0; i < w->names.count && !stopped(w); i += 1) {
    const char *name = listing_name(&w->names, i);
    size_t len = strlen(name);
    if (!buf_append(&w->rel, name, len)) {
      out_of_memory(w); /* stops the walk; not an error of this folder */
      return 0;
    }
    if (is_reserved(w->options, name, len)) {
      if (!strings_add(&w->result->reserved, w->rel.data, w->rel.len)) out_of_memory(w);
    } else {
      visit_entry(w, fd, f, name, listing_type(&w->names, i));
    }
    w->rel.len = base;
  }
  return 0;
}

static bool push_frame(struct walk *w, int fd, uint64_t dev, uint64_t ino) {
  if (w->depth == w->capacity) {
    size_t capacity = w->capacity == 0 ? 32 : w->capacity * 2;
    struct frame *grown = realloc(w->frames, capacity * sizeof *grown);
    if (grown == NULL) return out_of_memory(w);
    w->frames = grown;
    w->capacity = capacity;
  }
  w->frames[w->depth++] = (struct frame){.fd = fd, .rel_len = w->rel.len, .dev = dev, .ino = ino};
  return true;
}

static void pop_frame(struct walk *w) {
  struct frame *f = &w->frames[--w->depth];
  if (f->fd >= 0) close(f->fd);
  buf_free(&f->subdirs);
  if (w->closed_end > w->depth) w->closed_end = w->depth > 0 ? w->depth : 1;
  w->rel.len = w->depth > 0 ? w->frames[w->depth - 1].rel_len : 0;
}

/* Closes the highest folders' descriptors (never the root's) while more than OPEN_FRAMES_MAX are open. */
static void keep_within_budget(struct walk *w) {
  while (w->depth - w->closed_end + 1 > OPEN_FRAMES_MAX) {
    struct frame *f = &w->frames[w->closed_end++];
    close(f->fd);
    f->fd = -1;
  }
}

/* Opens frames[i] again from its parent's descriptor, and checks it is still the folder that was walked. */
static int reopen_one(struct walk *w, int parent_fd, size_t i, int *out) {
  size_t start = w->frames[i - 1].rel_len;
  size_t len = w->frames[i].rel_len - 1 - start;
  char name[4096];
  if (len >= sizeof name) return ENAMETOOLONG;
  memcpy(name, w->rel.data + start, len);
  name[len] = '\0';
  int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return errno;
  struct raw_stat st;
  const char *syscall;
  int err = stat_at(fd, "", AT_EMPTY_PATH, &st, &syscall);
  if (err == 0 && (st.dev != w->frames[i].dev || st.ino != w->frames[i].ino)) err = ESTALE; /* moved or replaced meanwhile */
  if (err != 0) {
    close(fd);
    return err;
  }
  *out = fd;
  return 0;
}

/*
 * Reopens the closed frames[index] (the top), walking down from the root by name with O_NOFOLLOW; the last
 * REOPEN_KEEP folders of that chain keep their descriptors, so the next ones up are open when the walk gets back.
 */
static int reopen_frame(struct walk *w, size_t index) {
  size_t first_kept = index + 1 > REOPEN_KEEP ? index + 1 - REOPEN_KEEP : 1;
  int fd = w->frames[0].fd;
  int err = 0;
  for (size_t i = 1; i <= index && err == 0; i += 1) {
    int next;
    err = reopen_one(w, fd, i, &next);
    if (i - 1 >= 1 && i - 1 < first_kept) close(fd); /* a step on the way, not kept */
    if (err == 0 && i >= first_kept) w->frames[i].fd = next;
    fd = next;
  }
  if (err == 0) {
    w->closed_end = first_kept;
    return 0;
  }
  for (size_t i = first_kept; i <= index; i += 1) {
    if (w->frames[i].fd >= 0) close(w->frames[i].fd);
    w->frames[i].fd = -1;
  }
  return err;
}

/* A folder of the top frame whose listing failed: a problem, and one the caller leaves alone on the other side. */
static void unreadable(struct walk *w, int err) {
  size_t len = w->rel.len - 1; /* without the trailing '/' */
  if (!strings_add(&w->result->unreadable, w->rel.data, len)) {
    out_of_memory(w);
    return;
  }
  add_problem(w, w->rel.data, len, "cannot list folder", err);
}

/* Walks into the subfolder `name` of the top frame. */
static void enter(struct walk *w, const char *name, uint64_t dev, uint64_t ino) {
  size_t parent = w->depth - 1;
  size_t base = w->rel.len;
  if (!buf_append(&w->rel, name, strlen(name)) || !buf_append(&w->rel, "/", 1)) {
    out_of_memory(w);
    return;
  }
  int err = w->frames[parent].fd < 0 ? reopen_frame(w, parent) : 0;
  int fd = -1;
  if (err == 0) {
    fd = openat(w->frames[parent].fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) err = errno;
  }
  if (err != 0) {
    unreadable(w, err);
    w->rel.len = base;
    return;
  }
  if (!push_frame(w, fd, dev, ino)) {
    close(fd);
    return;
  }
  err = walk_folder(w, fd, &w->frames[w->depth - 1]);
  if (err != 0) {
    unreadable(w, err);
    pop_frame(w);
    return;
  }
  keep_within_budget(w);
}

static void walk_down(struct walk *w) {
  while (w->depth > 0 && !stopped(w)) {
    struct frame *top = &w->frames[w->depth - 1];
    if (top->next >= top->subdirs.len) {
      pop_frame(w);
      continue;
    }
    const char *entry = top->subdirs.data + top->next;
    uint64_t dev, ino;
    memcpy(&dev, entry, 8);
    memcpy(&ino, entry + 8, 8);
    const char *name = entry + 16; /* stays put: only the child's frame grows while it is walked */
    top->next += 16 + strlen(name) + 1;
    enter(w, name, dev, ino);
  }
}

static void walk_root(struct walk *w, int root_fd) {
  struct raw_stat root;
  const char *syscall = "statx";
  int err = stat_at(root_fd, "", AT_EMPTY_PATH, &root, &syscall);
  if (err != 0) {
    close(root_fd);
    fatal(w, err, syscall);
    return;
  }
  w->root_dev = root.dev;
  w->root_mnt_id = root.mnt_id;
  w->root_has_mnt_id = root.has_mnt_id;
  if (!push_frame(w, root_fd, root.dev, root.ino)) {
    close(root_fd);
    return;
  }
  err = walk_folder(w, root_fd, &w->frames[0]);
  if (err != 0) fatal(w, err, "getdents64"); /* the root itself unreadable: the scan fails, as scan.ts throws */
  else walk_down(w);
}

void scan_tree(int root_fd, const struct scan_options *options, struct scan_result *result) {
  memset(result, 0, sizeof *result);
  struct walk w = {.options = options, .result = result, .closed_end = 1};
  w.dents = malloc(DENTS_SIZE);
  if (w.dents == NULL) {
    close(root_fd);
    out_of_memory(&w);
  } else {
    walk_root(&w, root_fd);
  }
  while (w.depth > 0) pop_frame(&w);
  free(w.frames);
  free(w.dents);
  buf_free(&w.rel);
  buf_free(&w.link);
  listing_free(&w.names);
}

void scan_result_free(struct scan_result *r) {
  buf_free(&r->paths);
  buf_free(&r->numbers);
  buf_free(&r->small);
  buf_free(&r->targets);
  strings_free(&r->problems);
  strings_free(&r->unreadable);
  strings_free(&r->reserved);
  strings_free(&r->mounts);
}
