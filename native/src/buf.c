#define _GNU_SOURCE
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * A buffer this big or bigger is a mapping of its own, grown by mremap and unmapped when freed, so its memory goes
 * back to the system at once. From malloc, a scan's columns (megabytes, grown by doubling on a libuv thread) came
 * out of that thread's arena, whose freed blocks (each outgrown size, the paths once copied into a JS string)
 * stayed resident for the rest of the process. Capacities are 4096 doubled, so `cap >= BUF_MAP_FROM` alone tells
 * which kind a buffer is.
 */
#define BUF_MAP_FROM ((size_t)256 * 1024)

static char *grow_mapped(struct buf *b, size_t cap) {
  void *grown;
  if (b->cap >= BUF_MAP_FROM) {
    grown = mremap(b->data, b->cap, cap, MREMAP_MAYMOVE); /* moves the pages, copies nothing */
  } else {
    grown = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (grown != MAP_FAILED) {
      if (b->len > 0) memcpy(grown, b->data, b->len);
      free(b->data);
    }
  }
  return grown == MAP_FAILED ? NULL : grown;
}

bool buf_reserve(struct buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return true;
  size_t cap = b->cap == 0 ? 4096 : b->cap;
  while (cap - b->len < extra) {
    if (cap > SIZE_MAX / 2) return false;
    cap *= 2;
  }
  char *grown = cap >= BUF_MAP_FROM ? grow_mapped(b, cap) : realloc(b->data, cap);
  if (grown == NULL) return false;
  b->data = grown;
  b->cap = cap;
  return true;
}

void buf_release(void *data, size_t cap) {
  if (data == NULL) return;
  if (cap >= BUF_MAP_FROM) munmap(data, cap);
  else free(data);
}

bool buf_append(struct buf *b, const void *bytes, size_t n) {
  if (!buf_reserve(b, n)) return false;
  if (n > 0) memcpy(b->data + b->len, bytes, n);
  b->len += n;
  return true;
}

bool buf_append_str(struct buf *b, const char *bytes, size_t n) {
  if (!buf_reserve(b, n + 1)) return false;
  buf_append(b, bytes, n);
  b->data[b->len++] = '\0';
  return true;
}

void buf_free(struct buf *b) {
  buf_release(b->data, b->cap);
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
}

bool strings_add(struct strings *s, const char *bytes, size_t n) {
  if (!buf_append_str(&s->bytes, bytes, n)) return false;
  s->count += 1;
  return true;
}

bool strings_add_pair(struct strings *s, const char *first, size_t first_len, const char *second, size_t second_len) {
  if (!buf_reserve(&s->bytes, first_len + second_len + 2)) return false;
  buf_append_str(&s->bytes, first, first_len);
  buf_append_str(&s->bytes, second, second_len);
  s->count += 1;
  return true;
}

void strings_free(struct strings *s) {
  buf_free(&s->bytes);
  s->count = 0;
}
