#define _GNU_SOURCE
#include "unlink_js.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "async_work.h"
#include "errors.h"

/*
 * One unlinkAtAsync. A deletion mostly waits on the file system (its journal, a FUSE daemon) rather than computing,
 * so the engine keeps several in flight on the pool while its own thread goes on. The folder's descriptor is
 * duplicated before the work is queued (own_fd).
 */
struct async_unlink {
  napi_async_work work;
  napi_deferred deferred;
  int dirfd;
  int err;
  struct bytes_arg name;
};

static void execute_unlink(napi_env env, void *data) {
  (void)env;
  struct async_unlink *u = data;
  u->err = unlinkat(u->dirfd, u->name.bytes, 0) == 0 ? 0 : errno; /* never a folder: EISDIR */
}

static void complete_unlink(napi_env env, napi_status status, void *data) {
  struct async_unlink *u = data;
  close(u->dirfd);
  napi_value value = NULL;
  bool resolved = false;
  if (status == napi_cancelled) {
    napi_throw_error(env, NULL, "folder_sync: the deletion was cancelled");
  } else if (u->err != 0) {
    value = errno_error(env, u->err, "unlinkat", u->name.bytes, NULL);
  } else {
    value = js_undefined(env);
    resolved = value != NULL;
  }
  settle(env, u->deferred, value, resolved);
  napi_delete_async_work(env, u->work);
  free(u);
}

/* unlinkAtAsync(dirFd, name): a Promise of undefined, rejected with an errno error as unlinkAt throws. */
static napi_value unlink_at_async(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t dirfd;
  struct async_unlink *u = calloc(1, sizeof *u);
  if (u == NULL) {
    throw_errno(env, ENOMEM, "malloc", NULL, NULL);
    return NULL;
  }
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &dirfd) || !get_name(env, argv[1], "unlinkat", &u->name)) {
    free(u);
    return NULL;
  }
  u->dirfd = own_fd(env, dirfd);
  if (u->dirfd < 0) {
    free(u);
    return NULL;
  }
  napi_value promise, name;
  napi_create_string_utf8(env, "folder_sync.unlink", NAPI_AUTO_LENGTH, &name);
  if (napi_create_promise(env, &u->deferred, &promise) != napi_ok ||
      napi_create_async_work(env, NULL, name, execute_unlink, complete_unlink, u, &u->work) != napi_ok ||
      napi_queue_async_work(env, u->work) != napi_ok) {
    close(u->dirfd);
    free(u); /* leaks the deferred's promise, unreachable anyway: only after Node-API itself failed */
    return NULL;
  }
  return promise;
}

napi_status define_unlink(napi_env env, napi_value exports) {
  napi_value fn;
  napi_status status = napi_create_function(env, "unlinkAtAsync", NAPI_AUTO_LENGTH, unlink_at_async, NULL, &fn);
  if (status != napi_ok) return status;
  return napi_set_named_property(env, exports, "unlinkAtAsync", fn);
}
