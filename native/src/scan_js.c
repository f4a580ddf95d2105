#define _GNU_SOURCE
#include "scan_js.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "async_work.h"
#include "errors.h"
#include "listing.h"
#include "scan.h"

/* `hint` carries the buffer's capacity: buf_release tells a mapping from a malloc'd block by it. */
static void free_column(napi_env env, void *data, void *hint) {
  (void)env;
  buf_release(data, (size_t)(uintptr_t)hint);
}

/*
 * A column as a typed array. With `hand_over`, where the runtime takes external memory (Node), the scan's own buffer
 * is handed over (the ArrayBuffer frees it): copying two 5 MB columns per 100,000 entries, into memory touched for
 * the first time, was most of what receiving a scan cost. Electron forbids external buffers: there it is copied into
 * a JS-owned one. The paths are a column too (bytes, NUL between paths): made a string, they were copied into fresh
 * memory again, and the engine compares and cuts them as bytes. scanSync never hands over: its caller in a scan worker transfers the columns to the main thread,
 * and Node marks an external ArrayBuffer untransferable.
 */
static napi_value typed_column(napi_env env, napi_typedarray_type type, struct buf *from, size_t length, bool hand_over) {
  void *data;
  napi_value buffer, array;
  if (hand_over && from->len > 0 && napi_create_external_arraybuffer(env, from->data, from->len, free_column, (void *)(uintptr_t)from->cap, &buffer) == napi_ok) {
    *from = (struct buf){NULL, 0, 0}; /* the ArrayBuffer owns it now */
  } else {
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return NULL;
    if (napi_create_arraybuffer(env, from->len, &data, &buffer) != napi_ok) return NULL;
    if (from->len > 0) memcpy(data, from->data, from->len);
  }
  if (napi_create_typedarray(env, type, length, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

static napi_value strings_array(napi_env env, const struct strings *list) {
  napi_value array;
  if (napi_create_array_with_length(env, list->count, &array) != napi_ok) return NULL;
  const char *at = list->bytes.data;
  for (size_t i = 0; i < list->count; i += 1) {
    size_t len = strlen(at);
    if (napi_set_element(env, array, (uint32_t)i, js_latin1(env, at, len)) != napi_ok) return NULL;
    at += len + 1;
  }
  return array;
}

static napi_value problems_array(napi_env env, const struct strings *pairs) {
  napi_value array;
  if (napi_create_array_with_length(env, pairs->count, &array) != napi_ok) return NULL;
  const char *at = pairs->bytes.data;
  for (size_t i = 0; i < pairs->count; i += 1) {
    size_t path_len = strlen(at);
    const char *message = at + path_len + 1;
    size_t message_len = strlen(message);
    napi_value problem;
    if (napi_create_object(env, &problem) != napi_ok) return NULL;
    napi_set_named_property(env, problem, "path", js_latin1(env, at, path_len));
    napi_set_named_property(env, problem, "message", js_latin1(env, message, message_len));
    if (napi_set_element(env, array, (uint32_t)i, problem) != napi_ok) return NULL;
    at = message + message_len + 1;
  }
  return array;
}

/* [[row, target], ...] from the packed (row, length, bytes) records. */
static napi_value targets_array(napi_env env, const struct scan_result *r) {
  napi_value array;
  if (napi_create_array_with_length(env, r->target_count, &array) != napi_ok) return NULL;
  const char *at = r->targets.data;
  for (size_t i = 0; i < r->target_count; i += 1) {
    uint32_t head[2];
    memcpy(head, at, sizeof head);
    napi_value pair;
    if (napi_create_array_with_length(env, 2, &pair) != napi_ok) return NULL;
    napi_set_element(env, pair, 0, js_number(env, head[0]));
    napi_set_element(env, pair, 1, js_latin1(env, at + sizeof head, head[1]));
    if (napi_set_element(env, array, (uint32_t)i, pair) != napi_ok) return NULL;
    at += sizeof head + head[1];
  }
  return array;
}

static bool set(napi_env env, napi_value object, const char *key, napi_value value) {
  return value != NULL && napi_set_named_property(env, object, key, value) == napi_ok;
}

/* The NativeScan object (with `hand_over`, taking the columns over where it can: typed_column); NULL with an exception pending when memory ran out. */
static napi_value scan_object(napi_env env, struct scan_result *r, bool hand_over) {
  napi_value out;
  if (napi_create_object(env, &out) != napi_ok) return NULL;
  bool ok = set(env, out, "paths", typed_column(env, napi_uint8_array, &r->paths, r->paths.len, hand_over)) &&
            set(env, out, "count", js_number(env, (double)r->count)) &&
            set(env, out, "numbers", typed_column(env, napi_float64_array, &r->numbers, r->count * SCAN_NUMBERS, hand_over)) &&
            set(env, out, "small", typed_column(env, napi_uint32_array, &r->small, r->count * SCAN_SMALL, hand_over)) &&
            set(env, out, "targets", targets_array(env, r)) && set(env, out, "problems", problems_array(env, &r->problems)) &&
            set(env, out, "unreadableDirs", strings_array(env, &r->unreadable)) && set(env, out, "reserved", strings_array(env, &r->reserved)) &&
            set(env, out, "mountPoints", strings_array(env, &r->mounts));
  return ok ? out : NULL;
}

/* (rootFd, reservedPrefix, sameDevice): the root reopened with its own read position (listing.h), the prefix, the flag. */
struct scan_args {
  int root_fd;
  struct bytes_arg prefix;
  bool same_device;
};

static bool get_scan_args(napi_env env, napi_value *argv, struct scan_args *out) {
  int32_t fd;
  if (!get_int(env, argv[0], &fd) || !get_path(env, argv[1], "scan", &out->prefix)) return false;
  if (napi_get_value_bool(env, argv[2], &out->same_device) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "folder_sync: sameDevice must be a boolean");
    return false;
  }
  int err = reopen_dir(fd, &out->root_fd);
  if (err == 0) return true;
  throw_errno(env, err, "open", NULL, NULL);
  return false;
}

struct exclude_call {
  napi_env env;
  napi_value fn;
};

/* The exclude callback, on the JS thread (scanSync only): 1 excluded, 0 kept, -1 it threw. */
static int call_exclude(void *context, const char *rel, size_t len, bool is_dir) {
  struct exclude_call *call = context;
  napi_env env = call->env;
  napi_handle_scope scope; /* one per call: 100,000 calls would otherwise pile up their handles */
  if (napi_open_handle_scope(env, &scope) != napi_ok) return -1;
  napi_value argv[2], receiver, result;
  bool verdict = false;
  bool ok = napi_create_string_latin1(env, rel, len, &argv[0]) == napi_ok && napi_get_boolean(env, is_dir, &argv[1]) == napi_ok &&
            napi_get_undefined(env, &receiver) == napi_ok && napi_call_function(env, receiver, call->fn, 2, argv, &result) == napi_ok &&
            napi_coerce_to_bool(env, result, &result) == napi_ok && napi_get_value_bool(env, result, &verdict) == napi_ok;
  napi_close_handle_scope(env, scope);
  return ok ? verdict : -1;
}

/* scanSync(rootFd, reservedPrefix, sameDevice, exclude | undefined) */
static napi_value scan_sync(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  struct scan_args args;
  if (!get_args(env, info, 4, argv)) return NULL;
  napi_valuetype exclude_type;
  napi_typeof(env, argv[3], &exclude_type);
  if (exclude_type != napi_function && exclude_type != napi_undefined) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "folder_sync: exclude must be a function");
    return NULL;
  }
  if (!get_scan_args(env, argv, &args)) return NULL;
  struct exclude_call call = {env, argv[3]};
  struct scan_options options = {args.prefix.bytes, args.prefix.len, args.same_device, NULL, &call};
  if (exclude_type == napi_function) options.exclude = call_exclude;
  struct scan_result result;
  scan_tree(args.root_fd, &options, &result);
  napi_value out = NULL;
  bool pending = false;
  if (result.aborted) {
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, NULL, "folder_sync: the exclude callback failed");
  } else if (result.error != 0) {
    throw_errno(env, result.error, result.syscall, NULL, NULL);
  } else {
    out = scan_object(env, &result, false);
  }
  scan_result_free(&result);
  return out;
}

/* One scanAsync: the walk runs on libuv's pool (no JS there), the result is built back on the JS thread. */
struct async_scan {
  napi_async_work work;
  napi_deferred deferred;
  int root_fd;
  struct scan_options options;
  struct scan_result result;
  char prefix[];
};

static void execute_scan(napi_env env, void *data) {
  (void)env;
  struct async_scan *scan = data;
  scan_tree(scan->root_fd, &scan->options, &scan->result);
}

static void complete_scan(napi_env env, napi_status status, void *data) {
  struct async_scan *scan = data;
  napi_value value = NULL;
  bool resolved = false;
  if (status == napi_cancelled) {
    close(scan->root_fd); /* never ran, so never took the descriptor over */
    napi_throw_error(env, NULL, "folder_sync: the scan was cancelled");
  } else if (scan->result.error != 0) {
    value = errno_error(env, scan->result.error, scan->result.syscall, NULL, NULL);
  } else {
    value = scan_object(env, &scan->result, true);
    resolved = value != NULL;
  }
  settle(env, scan->deferred, value, resolved);
  scan_result_free(&scan->result);
  napi_delete_async_work(env, scan->work);
  free(scan);
}

/* scanAsync(rootFd, reservedPrefix, sameDevice): a Promise of the same object scanSync returns. */
static napi_value scan_async(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  struct scan_args args;
  if (!get_args(env, info, 3, argv) || !get_scan_args(env, argv, &args)) return NULL;
  struct async_scan *scan = calloc(1, sizeof *scan + args.prefix.len + 1);
  if (scan == NULL) {
    close(args.root_fd);
    throw_errno(env, ENOMEM, "malloc", NULL, NULL);
    return NULL;
  }
  memcpy(scan->prefix, args.prefix.bytes, args.prefix.len + 1);
  scan->root_fd = args.root_fd;
  scan->options = (struct scan_options){scan->prefix, args.prefix.len, args.same_device, NULL, NULL};
  napi_value promise, name;
  napi_create_string_utf8(env, "folder_sync.scan", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &scan->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute_scan, complete_scan, scan, &scan->work) != napi_ok ||
      napi_queue_async_work(env, scan->work) != napi_ok) {
    close(args.root_fd);
    free(scan); /* leaks the deferred's promise, unreachable anyway: only after Node-API itself failed */
    return NULL;
  }
  return promise;
}

napi_status define_scan(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"scanSync", NULL, scan_sync, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scanAsync", NULL, scan_async, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
}
