/*
 * errno → the error Node would throw for it: the same `code` name, libuv's message text, a negative `errno`,
 * `syscall` and `path`, so callers treat the addon's errors and Node's fs errors alike.
 */
#ifndef FOLDER_SYNC_ERRORS_H
#define FOLDER_SYNC_ERRORS_H

#include <node_api.h>

/* Room for the longest fallback name ("E" and a number). */
#define ERRNO_NAME_SIZE 16

/* Node's code for `err` (ENOENT, ENOTSUP for 95, ...); thread-safe: `scratch` holds a made-up name if needed. */
const char *errno_name(int err, char scratch[ERRNO_NAME_SIZE]);

/* An Error object like Node's fs errors; `path` and `dest` (NUL-terminated bytes, shown as latin1) may be NULL. */
napi_value errno_error(napi_env env, int err, const char *syscall, const char *path, const char *dest);
void throw_errno(napi_env env, int err, const char *syscall, const char *path, const char *dest);

#endif
