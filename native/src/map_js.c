#define _GNU_SOURCE
#include "map_js.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "args.h"
#include "errors.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/* `hint` carries the mapping's length. */
static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  munmap(data, (size_t)(uintptr_t)hint);
}

/*
 * mapFile(fd, length): the first `length` bytes of the regular file open at `fd` as an ArrayBuffer over a private
 * mapping of its pages, or undefined where the file is shorter, there is nothing to map or the runtime takes no
 * external memory (Electron): the caller then reads the file. Why: a file read into fresh memory costs a page fault
 * per 4 KiB, and on some virtual machines the first touch of each such page costs more again; the pages of a file
 * in the page cache are mapped as they are and cost neither. Writable and private: a write to the buffer copies
 * that page, never reaching the file (MAP_POPULATE would copy every page up front: it breaks copy-on-write; reading
 * them in, MADV_POPULATE_READ, does not). Until then a page shows what the file holds, so callers read apart what
 * they check, and map only files no one writes in place (replaced by rename): a file cut short while mapped would
 * take its pages with it (SIGBUS).
 */
static napi_value map_file(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t fd;
  double wanted;
  if (!get_args(env, info, 2, argv) || !get_int(env, argv[0], &fd) || !get_number(env, argv[1], &wanted)) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0) {
    throw_errno(env, errno, "fstat", NULL, NULL);
    return NULL;
  }
  if (!S_ISREG(st.st_mode) || !(wanted >= 1) || wanted > (double)st.st_size || wanted > (double)SIZE_MAX) return js_undefined(env);
  size_t length = (size_t)wanted;
  void *data = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (data == MAP_FAILED) return js_undefined(env); /* a file system that cannot map: read instead */
  /* Maps the pages in one call rather than a fault per few; older kernels refuse it, and the faults do it then. */
  (void)madvise(data, length, MADV_POPULATE_READ);
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, data, length, unmap, (void *)(uintptr_t)length, &buffer) != napi_ok) {
    munmap(data, length);
    bool pending = false;
    if (napi_is_exception_pending(env, &pending) != napi_ok || pending) return NULL;
    return js_undefined(env);
  }
  return buffer;
}

napi_status define_map(napi_env env, napi_value exports) {
  napi_value fn;
  napi_status status = napi_create_function(env, "mapFile", NAPI_AUTO_LENGTH, map_file, NULL, &fn);
  if (status != napi_ok) return status;
  return napi_set_named_property(env, exports, "mapFile", fn);
}
