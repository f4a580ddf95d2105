/*
 * folder_sync.node: file access relative to folder descriptors, never following a symlink in the last
 * component, a tree scan by descriptor, the rows of joined paths, files mapped for reading, and small-file copies
 * and deletions on libuv's pool. Context-aware (NAPI_MODULE_INIT, no global state), so worker threads and Electron
 * may load it as often as they like.
 */
#include <node_api.h>

#include "copy_js.h"
#include "map_js.h"
#include "ops.h"
#include "path_rows_js.h"
#include "scan_js.h"
#include "unlink_js.h"

/* Bumped when the exports change, so main/engine/fs/native-addon.ts refuses a stale build. */
#define ADDON_VERSION 8

NAPI_MODULE_INIT() {
  napi_value version;
  if (napi_create_int32(env, ADDON_VERSION, &version) != napi_ok || napi_set_named_property(env, exports, "version", version) != napi_ok) return NULL;
  if (define_ops(env, exports) != napi_ok || define_scan(env, exports) != napi_ok || define_path_rows(env, exports) != napi_ok ||
      define_map(env, exports) != napi_ok || define_unlink(env, exports) != napi_ok || define_copy(env, exports) != napi_ok) {
    return NULL;
  }
  return exports;
}
