/* scanSync and scanAsync: the tree scan (scan.c) called from JS, its result built into the NativeScan object. */
#ifndef FOLDER_SYNC_SCAN_JS_H
#define FOLDER_SYNC_SCAN_JS_H

#include <node_api.h>

napi_status define_scan(napi_env env, napi_value exports);

#endif
