/* The file operations relative to folder descriptors: each a thin call of the *at system call, never following a symlink in the name. */
#ifndef FOLDER_SYNC_OPS_H
#define FOLDER_SYNC_OPS_H

#include <node_api.h>
#include <stdbool.h>
#include <time.h>

napi_status define_ops(napi_env env, napi_value exports);

/* A time in ms (a double, as fs.Stats gives it) as the nearest timespec; false for a time no timespec holds. */
bool timespec_from_ms(double ms, struct timespec *out);

#endif
