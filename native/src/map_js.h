/* mapFile: a file's bytes as a private mapping of its pages, for JavaScript. */
#ifndef FOLDER_SYNC_MAP_JS_H
#define FOLDER_SYNC_MAP_JS_H

#include <node_api.h>

napi_status define_map(napi_env env, napi_value exports);

#endif
