#define _GNU_SOURCE
#include "async_work.h"

#include <errno.h>
#include <fcntl.h>

#include "errors.h"

int own_fd(napi_env env, int32_t fd) {
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) throw_errno(env, errno, "fcntl", NULL, NULL);
  return copy;
}

void settle(napi_env env, napi_deferred deferred, napi_value value, bool resolved) {
  if (value == NULL) {
    napi_get_and_clear_last_exception(env, &value);
    resolved = false;
  }
  if (resolved) napi_resolve_deferred(env, deferred, value);
  else napi_reject_deferred(env, deferred, value);
}
