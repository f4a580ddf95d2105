#include "path_rows_js.h"

#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "path_rows.h"

/* A typed array argument of the given type, or false with a TypeError pending. */
static bool typed_arg(napi_env env, napi_value value, napi_typedarray_type want, void **data, size_t *length) {
  bool is_typed = false;
  napi_typedarray_type type;
  if (napi_is_typedarray(env, value, &is_typed) == napi_ok && is_typed &&
      napi_get_typedarray_info(env, value, &type, length, data, NULL, NULL) == napi_ok && type == want) {
    return true;
  }
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "folder_sync: expected a typed array of another type");
  return false;
}

static napi_value new_typed(napi_env env, napi_typedarray_type type, size_t length, size_t element, void **data) {
  napi_value buffer, array;
  if (napi_create_arraybuffer(env, length * element, data, &buffer) != napi_ok) return NULL;
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/* pathRowStarts(bytes: Uint8Array, rows): Uint32Array of rows + 1 starts (path_row_starts). */
static napi_value row_starts(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  void *bytes;
  size_t len;
  uint32_t rows;
  if (!get_args(env, info, 2, argv) || !typed_arg(env, argv[0], napi_uint8_array, &bytes, &len) || !get_uint(env, argv[1], &rows)) return NULL;
  if (len >= UINT32_MAX) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "folder_sync: paths of 4 GiB or more");
    return NULL;
  }
  void *starts;
  napi_value out = new_typed(env, napi_uint32_array, (size_t)rows + 1, sizeof(uint32_t), &starts);
  if (out != NULL) path_row_starts(bytes, len, starts, rows);
  return out;
}

/* Starts as path_row_starts makes them for `len` bytes: rising, the last len + 1, so every row lies within the bytes. */
static bool valid_starts(const uint32_t *starts, size_t count, size_t len) {
  if (count == 0 || starts[count - 1] != len + 1) return false;
  for (size_t i = 1; i < count; i += 1) {
    if (starts[i] <= starts[i - 1]) return false;
  }
  return true;
}

/* alignPathRows(a, aStarts, b, bStarts): Int32Array, per row of a the row of b holding its path or -1. */
static napi_value align_rows(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  void *a, *b, *a_starts, *b_starts;
  size_t a_len, b_len, a_count, b_count;
  if (!get_args(env, info, 4, argv) || !typed_arg(env, argv[0], napi_uint8_array, &a, &a_len) ||
      !typed_arg(env, argv[1], napi_uint32_array, &a_starts, &a_count) || !typed_arg(env, argv[2], napi_uint8_array, &b, &b_len) ||
      !typed_arg(env, argv[3], napi_uint32_array, &b_starts, &b_count)) {
    return NULL;
  }
  /* Checked, not trusted: a wrong start would read outside the bytes. */
  if (!valid_starts(a_starts, a_count, a_len) || !valid_starts(b_starts, b_count, b_len)) {
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "folder_sync: row starts that do not fit their paths");
    return NULL;
  }
  void *map;
  napi_value out = new_typed(env, napi_int32_array, a_count - 1, sizeof(int32_t), &map);
  if (out != NULL) align_path_rows(a, a_starts, a_count - 1, b, b_starts, b_count - 1, map);
  return out;
}

/* pathsSafe(bytes: Uint8Array, rows): boolean (paths_safe). */
static napi_value safe(napi_env env, napi_callback_info info) {
  napi_value argv[2], out;
  void *bytes;
  size_t len;
  uint32_t rows;
  if (!get_args(env, info, 2, argv) || !typed_arg(env, argv[0], napi_uint8_array, &bytes, &len) || !get_uint(env, argv[1], &rows)) return NULL;
  if (napi_get_boolean(env, paths_safe(bytes, len, rows), &out) != napi_ok) return NULL;
  return out;
}

napi_status define_path_rows(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"pathRowStarts", NULL, row_starts, NULL, NULL, NULL, napi_enumerable, NULL},
      {"alignPathRows", NULL, align_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pathsSafe", NULL, safe, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
}
