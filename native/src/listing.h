/* Listing a folder by descriptor (getdents64): names as raw bytes, with the type the folder records for each. */
#ifndef FOLDER_SYNC_LISTING_H
#define FOLDER_SYNC_LISTING_H

#include <stddef.h>

#include "buf.h"

struct listing {
  struct buf bytes;     /* per entry: its d_type byte, then its name and a NUL */
  struct buf offsets;   /* size_t per entry: where it starts in `bytes` */
  size_t count;
};

/* The listing buffer getdents64 fills: big enough that most folders take one call. */
#define DENTS_SIZE 32768

/*
 * Every name of the folder `fd` reads from its current position on, but '.' and '..'. `dents` is scratch of
 * DENTS_SIZE bytes. Returns 0 or an errno; on an error the listing holds whatever was read before it.
 */
int list_dir(int fd, struct listing *out, char *dents);

/* Byte order of the names (unsigned, as JS sorts latin1 strings). */
void listing_sort(struct listing *l);
const char *listing_name(const struct listing *l, size_t i);
unsigned char listing_type(const struct listing *l, size_t i);
void listing_clear(struct listing *l);
void listing_free(struct listing *l);

/*
 * A descriptor of the same folder as `fd` with its own read position, so listing it never moves the position
 * of `fd` (shared by dup) and a scan on another thread cannot race a listing of `fd`: /proc/self/fd/N opened
 * anew; where /proc is missing, a dup rewound to the start. Sets *out; returns 0 or an errno.
 */
int reopen_dir(int fd, int *out);

#endif
