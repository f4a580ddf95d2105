/* Reading a call's arguments: descriptors and numbers, and names as byte strings (latin1: one char, one byte). */
#ifndef FOLDER_SYNC_ARGS_H
#define FOLDER_SYNC_ARGS_H

#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* PATH_MAX: the longest path (with its NUL) the kernel takes; a longer name or target is ENAMETOOLONG. */
#define BYTES_MAX 4096

struct bytes_arg {
  char bytes[BYTES_MAX];
  size_t len;
};

/* Each returns false with a JS exception pending (a TypeError, or an errno error naming `syscall`). */
bool get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv);
bool get_int(napi_env env, napi_value value, int32_t *out);
bool get_uint(napi_env env, napi_value value, uint32_t *out);
bool get_number(napi_env env, napi_value value, double *out);
/* One path component: besides what get_path refuses, '/', '.' and '..' are EINVAL (they would not name an entry of the folder). */
bool get_name(napi_env env, napi_value value, const char *syscall, struct bytes_arg *out);
/* A path or a symlink target: any bytes but NUL (chars U+0001-U+00FF). */
bool get_path(napi_env env, napi_value value, const char *syscall, struct bytes_arg *out);

napi_value js_undefined(napi_env env);
napi_value js_number(napi_env env, double value);
napi_value js_latin1(napi_env env, const char *bytes, size_t len);

#endif
