/*
 * copyFileAsync: one small file copied on libuv's pool, so the JS thread neither blocks on it nor needs a worker
 * thread (whose start and compiles cost more than copying a few thousand small files). The steps and checks are
 * copy-file.ts's, in C: the source opened relative to its folder without following a link or blocking on a FIFO,
 * a regular file of the scanned size and dense (the caller copies other files itself); the temp file created
 * O_EXCL beside the target, written in one read of size + 1 bytes (a source that ends early or grew is "changed",
 * never looped on), given its mode and mtime. The two stats of the source, before and after, go back to the
 * caller, which applies the identity rule (plan/identity.ts) and renames: the rule lives once, in TypeScript.
 *
 * Both folder descriptors are duplicated before the work is queued: the caller's tree may close a cached one
 * while the copy runs, and its number could then be reused for another folder.
 */
#define _GNU_SOURCE
#include "copy_js.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "async_work.h"
#include "errors.h"
#include "ops.h"
#include "stat.h"

/* What the promise resolves to, in result[0]; result[1..] hold the before and after stats (STAT_FIELDS each). */
enum copy_status {
  COPY_DONE = 0,          /* the temp file is complete and stamped; the caller checks the stats and renames */
  COPY_NOT_REGULAR = 1,   /* no longer a regular file: nothing written */
  COPY_CHANGED = 2,       /* size other than scanned, or it changed while read: nothing left behind */
  COPY_NOT_DENSE = 3,     /* holes (blocks cover less than its size): nothing written, the caller copies it */
};

/* Where an error happened: opening the source (a vanished source is "changed"), checking it (nothing written), or
   from the temp file's creation on (copy-file.ts then removes whatever is at the temp name, as it always did). */
enum copy_stage { STAGE_OPEN = 0, STAGE_CHECK = 1, STAGE_COPY = 2 };

struct copy_work {
  napi_async_work work;
  napi_deferred deferred;
  int source_dir, temp_dir;
  uint64_t size;
  uint32_t mode;
  bool set_mode;
  struct timespec times[2];
  /* Outcome, filled on the pool. */
  int status, err, stage;
  const char *syscall;
  const char *err_name; /* the source or temp name the failed call acted on */
  struct raw_stat before, after;
  char source_name[BYTES_MAX];
  char temp_name[BYTES_MAX];
};

static int fail(struct copy_work *c, int stage, const char *syscall, const char *name) {
  c->err = errno;
  c->stage = stage;
  c->syscall = syscall;
  c->err_name = name;
  return -1;
}

/* Reads the whole source into `buffer` (size + 1 bytes) and writes it to `out`. Returns 0, -1 on error, 1 if changed. */
static int copy_bytes(struct copy_work *c, int in, int out, char *buffer) {
  uint64_t length = 0;
  for (;;) {
    ssize_t got = pread(in, buffer + length, c->size + 1 - length, (off_t)length);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return fail(c, STAGE_COPY, "read", NULL);
    if (got == 0) break;
    length += (uint64_t)got;
    if (length == c->size + 1) return 1; /* it grew while we read it */
  }
  if (length != c->size) return 1;
  for (uint64_t written = 0; written < length;) {
    ssize_t put = pwrite(out, buffer + written, length - written, (off_t)written);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0) return fail(c, STAGE_COPY, "write", NULL);
    written += (uint64_t)put;
  }
  return 0;
}

/* Writes, stamps and closes the temp file; on any failure it is removed (it is ours: created O_EXCL). */
static void write_temp(struct copy_work *c, int in) {
  int out = openat(c->temp_dir, c->temp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0) {
    fail(c, STAGE_COPY, "openat", c->temp_name);
    return;
  }
  char *buffer = malloc(c->size + 1);
  int rc = buffer == NULL ? (errno = ENOMEM, fail(c, STAGE_COPY, "malloc", NULL)) : copy_bytes(c, in, out, buffer);
  free(buffer);
  const char *syscall = "statx";
  if (rc == 0 && (c->err = stat_at(in, "", AT_EMPTY_PATH, &c->after, &syscall)) != 0) {
    c->stage = STAGE_COPY;
    c->syscall = syscall;
    rc = -1;
  }
  if (rc == 0 && c->set_mode && fchmod(out, (mode_t)c->mode) != 0) rc = fail(c, STAGE_COPY, "fchmod", NULL);
  if (rc == 0 && futimens(out, c->times) != 0) rc = fail(c, STAGE_COPY, "futimens", NULL);
  if (close(out) != 0 && errno != EINTR && rc == 0) rc = fail(c, STAGE_COPY, "close", NULL);
  if (rc == 1) c->status = COPY_CHANGED;
  if (rc != 0) unlinkat(c->temp_dir, c->temp_name, 0);
}

static void execute_copy(napi_env env, void *data) {
  (void)env;
  struct copy_work *c = data;
  int in = openat(c->source_dir, c->source_name, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) {
    fail(c, STAGE_OPEN, "openat", c->source_name);
  } else {
    const char *syscall = "statx";
    if ((c->err = stat_at(in, "", AT_EMPTY_PATH, &c->before, &syscall)) != 0) {
      c->stage = STAGE_CHECK;
      c->syscall = syscall;
    } else if (!S_ISREG(c->before.mode)) {
      c->status = COPY_NOT_REGULAR;
    } else if (c->before.size != c->size) {
      c->status = COPY_CHANGED;
    } else if (c->before.blocks * 512 < c->before.size) {
      c->status = COPY_NOT_DENSE;
    } else {
      write_temp(c, in);
    }
    close(in);
  }
  close(c->source_dir);
  close(c->temp_dir);
}

static void complete_copy(napi_env env, napi_status status, void *data) {
  struct copy_work *c = data;
  napi_value value = NULL;
  bool resolved = false;
  if (status == napi_cancelled) {
    close(c->source_dir); /* never ran, so never closed them */
    close(c->temp_dir);
    napi_throw_error(env, NULL, "folder_sync: the copy was cancelled");
  } else if (c->err != 0) {
    value = errno_error(env, c->err, c->syscall, c->err_name, NULL);
    napi_value stage;
    if (value != NULL && napi_create_int32(env, c->stage, &stage) == napi_ok) napi_set_named_property(env, value, "stage", stage);
  } else {
    napi_value buffer;
    void *numbers;
    if (napi_create_arraybuffer(env, (1 + 2 * STAT_FIELDS) * sizeof(double), &numbers, &buffer) == napi_ok &&
        napi_create_typedarray(env, napi_float64_array, 1 + 2 * STAT_FIELDS, buffer, 0, &value) == napi_ok) {
      double *out = numbers;
      memset(out, 0, (1 + 2 * STAT_FIELDS) * sizeof(double));
      out[0] = c->status;
      stat_numbers(&c->before, out + 1);
      if (c->status == COPY_DONE) stat_numbers(&c->after, out + 1 + STAT_FIELDS);
      resolved = true;
    }
  }
  settle(env, c->deferred, value, resolved);
  napi_delete_async_work(env, c->work);
  free(c);
}

/*
 * copyFileAsync(sourceDirFd, sourceName, tempDirFd, tempName, size, mode, setMode, mtimeMs): a Promise of a
 * Float64Array [status, ...stat before, ...stat after], or of an errno error whose `stage` says where it happened.
 */
static napi_value copy_file_async(napi_env env, napi_callback_info info) {
  napi_value argv[8];
  int32_t source_dir, temp_dir;
  uint32_t mode;
  double size, mtime;
  bool set_mode;
  struct copy_work *c = calloc(1, sizeof *c);
  if (c == NULL) {
    throw_errno(env, ENOMEM, "malloc", NULL, NULL);
    return NULL;
  }
  struct bytes_arg *name = malloc(sizeof *name);
  bool ok = name != NULL && get_args(env, info, 8, argv) && get_int(env, argv[0], &source_dir) && get_name(env, argv[1], "openat", name);
  if (ok) memcpy(c->source_name, name->bytes, name->len + 1);
  ok = ok && get_int(env, argv[2], &temp_dir) && get_name(env, argv[3], "openat", name);
  if (ok) memcpy(c->temp_name, name->bytes, name->len + 1);
  free(name);
  ok = ok && get_number(env, argv[4], &size) && get_uint(env, argv[5], &mode) && napi_get_value_bool(env, argv[6], &set_mode) == napi_ok &&
       get_number(env, argv[7], &mtime);
  if (ok && !(size >= 0 && size < 1 << 30 && timespec_from_ms(mtime, &c->times[1]))) {
    throw_errno(env, EINVAL, "copy", NULL, NULL);
    ok = false;
  }
  c->source_dir = c->temp_dir = -1;
  if (ok && (c->source_dir = own_fd(env, source_dir)) < 0) ok = false;
  if (ok && (c->temp_dir = own_fd(env, temp_dir)) < 0) ok = false;
  napi_value promise = NULL, work_name;
  if (ok) {
    c->times[0] = c->times[1]; /* atime = mtime, as the other copy paths set them */
    c->size = (uint64_t)size;
    c->mode = mode;
    c->set_mode = set_mode;
    napi_create_string_utf8(env, "folder_sync.copy", NAPI_AUTO_LENGTH, &work_name);
    ok = napi_create_promise(env, &c->deferred, &promise) == napi_ok &&
         napi_create_async_work(env, NULL, work_name, execute_copy, complete_copy, c, &c->work) == napi_ok &&
         napi_queue_async_work(env, c->work) == napi_ok;
  }
  if (ok) return promise;
  if (c->source_dir >= 0) close(c->source_dir);
  if (c->temp_dir >= 0) close(c->temp_dir);
  free(c); /* after a Node-API failure this leaks the deferred's promise, unreachable anyway */
  return NULL;
}

napi_status define_copy(napi_env env, napi_value exports) {
  const napi_property_descriptor functions[] = {
      {"copyFileAsync", NULL, copy_file_async, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof functions / sizeof functions[0], functions);
}
