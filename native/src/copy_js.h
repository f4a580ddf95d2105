/* copyFileAsync: a small file copied to a temp file on libuv's pool (copy_js.c). */
#ifndef FOLDER_SYNC_COPY_JS_H
#define FOLDER_SYNC_COPY_JS_H

#include <node_api.h>

napi_status define_copy(napi_env env, napi_value exports);

#endif
