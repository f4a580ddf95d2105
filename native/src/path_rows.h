/* Rows of NUL-joined paths: where each starts, and which row of another list holds the same path. */
#ifndef FOLDER_SYNC_PATH_ROWS_H
#define FOLDER_SYNC_PATH_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* starts[r] = where row r begins in `bytes`; starts[rows] = len + 1 (so row r ends at starts[r + 1] - 1). */
void path_row_starts(const uint8_t *bytes, size_t len, uint32_t *starts, size_t rows);

/* The order of path-order.ts's comparePaths: negative, zero or positive as `a` comes before, equals or comes after `b`. */
int compare_paths(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/* map[i] = the row of `b` holding row i of `a`, or -1: both lists in that order, walked side by side. */
void align_path_rows(const uint8_t *a, const uint32_t *a_starts, size_t a_rows, const uint8_t *b, const uint32_t *b_starts, size_t b_rows, int32_t *map);

/* Whether `rows` NUL-joined paths are all safe relative paths (no empty, "." or ".." component: record-file.ts's
 * checkPathBytes) with no NUL inside one. */
bool paths_safe(const uint8_t *bytes, size_t len, size_t rows);

#endif
