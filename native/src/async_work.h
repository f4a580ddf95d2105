/* The two ends of an async work item: descriptors its pool thread owns, and the promise it settles. */
#ifndef FOLDER_SYNC_ASYNC_WORK_H
#define FOLDER_SYNC_ASYNC_WORK_H

#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * A duplicate of the caller's descriptor `fd`, for the pool thread to use and close: the caller's own may be closed
 * meanwhile (a folder cache), and its number reused by another folder. -1 with an errno error pending.
 */
int own_fd(napi_env env, int32_t fd);

/* Resolves `deferred` with `value`, or rejects with it; a NULL `value` rejects with the exception pending. */
void settle(napi_env env, napi_deferred deferred, napi_value value, bool resolved);

#endif
