/* The file operations relative to folder descriptors: each a thin call of the *at system call, never following a symlink in the name. */
#ifndef FOLDER_SYNC_OPS_H
#define FOLDER_SYNC_OPS_H

#include <node_api.h>

napi_status define_ops(napi_env env, napi_value exports);

#endif
