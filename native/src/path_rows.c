#include "path_rows.h"

#include <stdbool.h>
#include <string.h>

void path_row_starts(const uint8_t *bytes, size_t len, uint32_t *starts, size_t rows) {
  if (rows == 0) {
    starts[0] = (uint32_t)len + 1;
    return;
  }
  starts[0] = 0;
  size_t at = 0;
  for (size_t row = 1; row < rows; row += 1) {
    const uint8_t *nul = at < len ? memchr(bytes + at, 0, len - at) : NULL;
    at = nul == NULL ? len : (size_t)(nul - bytes) + 1; /* a list short of NULs: the checks before this one refuse it */
    starts[row] = (uint32_t)at;
  }
  starts[rows] = (uint32_t)len + 1;
}

/* The byte at `i` of a name; its end ('/' or the end of the path) before every byte. */
static int name_code(const uint8_t *path, size_t len, size_t i) {
  return i >= len || path[i] == '/' ? -1 : path[i];
}

int compare_paths(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
  size_t shorter = a_len < b_len ? a_len : b_len;
  size_t i = 0;
  while (i < shorter && a[i] == b[i]) i += 1;
  if (i == a_len && i == b_len) return 0;
  /* They differ in one name of a common folder: the name with more below it (a folder being walked into) comes after. */
  bool a_deeper = memchr(a + i, '/', a_len - i) != NULL;
  bool b_deeper = memchr(b + i, '/', b_len - i) != NULL;
  if (a_deeper != b_deeper) return a_deeper ? 1 : -1;
  return name_code(a, a_len, i) - name_code(b, b_len, i);
}

void align_path_rows(const uint8_t *a, const uint32_t *a_starts, size_t a_rows, const uint8_t *b, const uint32_t *b_starts, size_t b_rows, int32_t *map) {
  size_t i = 0, j = 0;
  for (size_t r = 0; r < a_rows; r += 1) map[r] = -1;
  while (i < a_rows && j < b_rows) {
    const uint8_t *pa = a + a_starts[i];
    const uint8_t *pb = b + b_starts[j];
    size_t la = a_starts[i + 1] - 1 - a_starts[i];
    size_t lb = b_starts[j + 1] - 1 - b_starts[j];
    int c = la == lb && memcmp(pa, pb, la) == 0 ? 0 : compare_paths(pa, la, pb, lb);
    if (c == 0) map[i++] = (int32_t)j++;
    else if (c < 0) i += 1;
    else j += 1;
  }
}

bool paths_safe(const uint8_t *bytes, size_t len, size_t rows) {
  if (rows == 0) return len == 0;
  size_t separators = 0, from = 0;
  for (size_t at = 0; at <= len; at += 1) {
    uint8_t byte = at == len ? 0 : bytes[at];
    if (byte != '/' && byte != 0) continue;
    size_t length = at - from;
    if (length == 0 || (length <= 2 && bytes[from] == '.' && (length == 1 || bytes[from + 1] == '.'))) return false;
    if (byte == 0 && at < len) separators += 1;
    from = at + 1;
  }
  return separators == rows - 1;
}
