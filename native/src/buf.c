#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

bool buf_reserve(struct buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return true;
  size_t cap = b->cap == 0 ? 4096 : b->cap;
  while (cap - b->len < extra) {
    if (cap > SIZE_MAX / 2) return false;
    cap *= 2;
  }
  char *grown = realloc(b->data, cap);
  if (grown == NULL) return false;
  b->data = grown;
  b->cap = cap;
  return true;
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
  free(b->data);
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
