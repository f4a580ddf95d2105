/* pathRowStarts, alignPathRows and pathsSafe: path_rows.c for JavaScript. */
#ifndef FOLDER_SYNC_PATH_ROWS_JS_H
#define FOLDER_SYNC_PATH_ROWS_JS_H

#include <node_api.h>

napi_status define_path_rows(napi_env env, napi_value exports);

#endif
