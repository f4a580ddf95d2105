/* A growable byte buffer, doubled as it fills (big ones are mappings of their own: buf.c): the scanner's columns and lists are built in these. */
#ifndef FOLDER_SYNC_BUF_H
#define FOLDER_SYNC_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
  char *data;
  size_t len;
  size_t cap;
};

/* Room for `extra` more bytes; false when memory ran out (the buffer is unchanged then). */
bool buf_reserve(struct buf *b, size_t extra);
bool buf_append(struct buf *b, const void *bytes, size_t n);
/* Appends the bytes and a terminating NUL. */
bool buf_append_str(struct buf *b, const char *bytes, size_t n);
void buf_free(struct buf *b);
/* Frees the memory of a buffer whose data and capacity were taken out of it (buf_free frees one in place). */
void buf_release(void *data, size_t cap);

/* NUL-terminated strings one after another, counted: the scanner's string lists. */
struct strings {
  struct buf bytes;
  size_t count;
};

bool strings_add(struct strings *s, const char *bytes, size_t n);
/* Adds two strings as one item (a problem's path and message); read back as a pair. */
bool strings_add_pair(struct strings *s, const char *first, size_t first_len, const char *second, size_t second_len);
void strings_free(struct strings *s);

#endif
