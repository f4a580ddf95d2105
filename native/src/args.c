#include "args.h"

#include <errno.h>
#include <string.h>
#include <uchar.h>

#include "errors.h"

bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
  size_t given = count;
  if (napi_get_cb_info(env, info, &given, argv, NULL, NULL) != napi_ok) return false;
  if (given >= count) return true;
  napi_throw_type_error(env, "ERR_MISSING_ARGS", "folder_sync: too few arguments");
  return false;
}

static bool number_of(napi_env env, napi_value value, double *out) {
  if (napi_get_value_double(env, value, out) == napi_ok) return true;
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "folder_sync: a number was expected");
  return false;
}

/* Descriptors, flags and modes: integers only, so a stray 1.5 or NaN is refused rather than truncated. */
static bool integer_in(napi_env env, napi_value value, double low, double high, double *out) {
  if (!number_of(env, value, out)) return false;
  if (*out >= low && *out <= high && *out == (double)(int64_t)*out) return true;
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", "folder_sync: an integer in range was expected");
  return false;
}

bool get_int(napi_env env, napi_value value, int32_t *out) {
  double number;
  if (!integer_in(env, value, INT32_MIN, INT32_MAX, &number)) return false;
  *out = (int32_t)number;
  return true;
}

bool get_uint(napi_env env, napi_value value, uint32_t *out) {
  double number;
  if (!integer_in(env, value, 0, UINT32_MAX, &number)) return false;
  *out = (uint32_t)number;
  return true;
}

bool get_number(napi_env env, napi_value value, double *out) {
  return number_of(env, value, out);
}

/*
 * Read as UTF-16 and narrowed here, not with napi_get_value_string_latin1: that keeps only the low byte of a
 * char above U+00FF, so U+012F would arrive as '/'. A byte string never holds such a char; one that does is EINVAL.
 */
bool get_path(napi_env env, napi_value value, const char *syscall, struct bytes_arg *out) {
  size_t len;
  if (napi_get_value_string_utf16(env, value, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "folder_sync: a string was expected");
    return false;
  }
  if (len >= BYTES_MAX) {
    throw_errno(env, ENAMETOOLONG, syscall, NULL, NULL);
    return false;
  }
  char16_t wide[BYTES_MAX];
  napi_get_value_string_utf16(env, value, wide, BYTES_MAX, &len);
  bool bytes = true;
  for (size_t i = 0; i < len; i += 1) {
    bytes = bytes && wide[i] != 0 && wide[i] <= 0xff;
    out->bytes[i] = (char)wide[i];
  }
  out->bytes[len] = '\0';
  out->len = len;
  if (bytes) return true;
  throw_errno(env, EINVAL, syscall, NULL, NULL);
  return false;
}

bool get_name(napi_env env, napi_value value, const char *syscall, struct bytes_arg *out) {
  if (!get_path(env, value, syscall, out)) return false;
  const char *name = out->bytes;
  bool dots = strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
  if (!dots && memchr(name, '/', out->len) == NULL) return true;
  throw_errno(env, EINVAL, syscall, name, NULL);
  return false;
}

napi_value js_undefined(napi_env env) {
  napi_value value;
  napi_get_undefined(env, &value);
  return value;
}

napi_value js_number(napi_env env, double value) {
  napi_value result;
  napi_create_double(env, value, &result);
  return result;
}

napi_value js_latin1(napi_env env, const char *bytes, size_t len) {
  napi_value result;
  napi_create_string_latin1(env, bytes, len, &result);
  return result;
}
