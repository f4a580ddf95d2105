/* unlinkAtAsync: unlinkat(2) on libuv's pool, for JavaScript. */
#ifndef FOLDER_SYNC_UNLINK_JS_H
#define FOLDER_SYNC_UNLINK_JS_H

#include <node_api.h>

napi_status define_unlink(napi_env env, napi_value exports);

#endif
