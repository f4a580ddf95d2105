#define _GNU_SOURCE
#include "listing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's record; glibc only declares it from 2.30 on. */
struct dirent64_record {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

static int add_entry(struct listing *out, unsigned char type, const char *name) {
  size_t offset = out->bytes.len;
  size_t len = strlen(name);
  if (!buf_reserve(&out->bytes, len + 2) || !buf_reserve(&out->offsets, sizeof offset)) return ENOMEM;
  out->bytes.data[out->bytes.len++] = (char)type;
  buf_append_str(&out->bytes, name, len);
  buf_append(&out->offsets, &offset, sizeof offset);
  out->count += 1;
  return 0;
}

static bool is_dots(const char *name) {
  return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

int list_dir(int fd, struct listing *out, char *dents) {
  for (;;) {
    long n = syscall(SYS_getdents64, fd, dents, DENTS_SIZE);
    if (n < 0) return errno;
    if (n == 0) return 0;
    for (long at = 0; at < n;) {
      const struct dirent64_record *d = (const struct dirent64_record *)(dents + at);
      at += d->d_reclen;
      if (is_dots(d->d_name)) continue;
      int err = add_entry(out, d->d_type, d->d_name);
      if (err != 0) return err;
    }
  }
}

/* Offsets sort with a pointer to the bytes they index: qsort's comparator gets no context argument. */
struct sort_key {
  const char *name;
  size_t offset;
};

static int compare_keys(const void *a, const void *b) {
  /* strcmp compares as unsigned char: the order of JS's sort on latin1 strings. */
  return strcmp(((const struct sort_key *)a)->name, ((const struct sort_key *)b)->name);
}

void listing_sort(struct listing *l) {
  if (l->count < 2) return;
  struct sort_key *keys = malloc(l->count * sizeof *keys);
  size_t *offsets = (size_t *)l->offsets.data;
  if (keys != NULL) {
    for (size_t i = 0; i < l->count; i += 1) keys[i] = (struct sort_key){l->bytes.data + offsets[i] + 1, offsets[i]};
    qsort(keys, l->count, sizeof *keys, compare_keys);
    for (size_t i = 0; i < l->count; i += 1) offsets[i] = keys[i].offset;
    free(keys);
    return;
  }
  /* Out of memory for the keys: an insertion sort in place is slow but still right. */
  for (size_t i = 1; i < l->count; i += 1) {
    size_t moving = offsets[i];
    size_t j = i;
    while (j > 0 && strcmp(l->bytes.data + offsets[j - 1] + 1, l->bytes.data + moving + 1) > 0) {
      offsets[j] = offsets[j - 1];
      j -= 1;
    }
    offsets[j] = moving;
  }
}

const char *listing_name(const struct listing *l, size_t i) {
  return l->bytes.data + ((const size_t *)l->offsets.data)[i] + 1;
}

unsigned char listing_type(const struct listing *l, size_t i) {
  return (unsigned char)l->bytes.data[((const size_t *)l->offsets.data)[i]];
}

void listing_clear(struct listing *l) {
  l->bytes.len = 0;
  l->offsets.len = 0;
  l->count = 0;
}

void listing_free(struct listing *l) {
  buf_free(&l->bytes);
  buf_free(&l->offsets);
  l->count = 0;
}

int reopen_dir(int fd, int *out) {
  char proc[64];
  snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
  int fresh = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fresh >= 0) {
    *out = fresh;
    return 0;
  }
  if (errno != ENOENT) return errno;
  /* No /proc, or `fd` is not open (then the dup says EBADF). */
  fresh = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (fresh < 0) return errno;
  if (lseek(fresh, 0, SEEK_SET) < 0) {
    int err = errno;
    close(fresh);
    return err;
  }
  *out = fresh;
  return 0;
}
