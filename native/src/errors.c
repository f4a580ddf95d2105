#define _GNU_SOURCE
#include "errors.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct errno_text {
  int err;
  const char *name;
  const char *message;
};

/*
 * Every errno Node 20 (libuv 1.46) names, with libuv's messages: copied from util.getSystemErrorMap(), so an
 * error reads the same whichever backend threw it. Linux's EOPNOTSUPP is ENOTSUP (both 95), as in Node.
 */
static const struct errno_text KNOWN[] = {
    {EPERM, "EPERM", "operation not permitted"},
    {ENOENT, "ENOENT", "no such file or directory"},
    {ESRCH, "ESRCH", "no such process"},
    {EINTR, "EINTR", "interrupted system call"},
    {EIO, "EIO", "i/o error"},
    {ENXIO, "ENXIO", "no such device or address"},
    {E2BIG, "E2BIG", "argument list too long"},
    {EBADF, "EBADF", "bad file descriptor"},
    {EAGAIN, "EAGAIN", "resource temporarily unavailable"},
    {ENOMEM, "ENOMEM", "not enough memory"},
    {EACCES, "EACCES", "permission denied"},
    {EFAULT, "EFAULT", "bad address in system call argument"},
    {EBUSY, "EBUSY", "resource busy or locked"},
    {EEXIST, "EEXIST", "file already exists"},
    {EXDEV, "EXDEV", "cross-device link not permitted"},
    {ENODEV, "ENODEV", "no such device"},
    {ENOTDIR, "ENOTDIR", "not a directory"},
    {EISDIR, "EISDIR", "illegal operation on a directory"},
    {EINVAL, "EINVAL", "invalid argument"},
    {ENFILE, "ENFILE", "file table overflow"},
    {EMFILE, "EMFILE", "too many open files"},
    {ENOTTY, "ENOTTY", "inappropriate ioctl for device"},
    {ETXTBSY, "ETXTBSY", "text file is busy"},
    {EFBIG, "EFBIG", "file too large"},
    {ENOSPC, "ENOSPC", "no space left on device"},
    {ESPIPE, "ESPIPE", "invalid seek"},
    {EROFS, "EROFS", "read-only file system"},
    {EMLINK, "EMLINK", "too many links"},
    {EPIPE, "EPIPE", "broken pipe"},
    {ERANGE, "ERANGE", "result too large"},
    {ENAMETOOLONG, "ENAMETOOLONG", "name too long"},
    {ENOSYS, "ENOSYS", "function not implemented"},
    {ENOTEMPTY, "ENOTEMPTY", "directory not empty"},
    {ELOOP, "ELOOP", "too many symbolic links encountered"},
    {EUNATCH, "EUNATCH", "protocol driver not attached"},
    {ENODATA, "ENODATA", "no data available"},
    {ENONET, "ENONET", "machine is not on the network"},
    {EPROTO, "EPROTO", "protocol error"},
    {EOVERFLOW, "EOVERFLOW", "value too large for defined data type"},
    {EILSEQ, "EILSEQ", "illegal byte sequence"},
    {ENOTSOCK, "ENOTSOCK", "socket operation on non-socket"},
    {EDESTADDRREQ, "EDESTADDRREQ", "destination address required"},
    {EMSGSIZE, "EMSGSIZE", "message too long"},
    {EPROTOTYPE, "EPROTOTYPE", "protocol wrong type for socket"},
    {ENOPROTOOPT, "ENOPROTOOPT", "protocol not available"},
    {EPROTONOSUPPORT, "EPROTONOSUPPORT", "protocol not supported"},
    {ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT", "socket type not supported"},
    {ENOTSUP, "ENOTSUP", "operation not supported on socket"},
    {EAFNOSUPPORT, "EAFNOSUPPORT", "address family not supported"},
    {EADDRINUSE, "EADDRINUSE", "address already in use"},
    {EADDRNOTAVAIL, "EADDRNOTAVAIL", "address not available"},
    {ENETDOWN, "ENETDOWN", "network is down"},
    {ENETUNREACH, "ENETUNREACH", "network is unreachable"},
    {ECONNABORTED, "ECONNABORTED", "software caused connection abort"},
    {ECONNRESET, "ECONNRESET", "connection reset by peer"},
    {ENOBUFS, "ENOBUFS", "no buffer space available"},
    {EISCONN, "EISCONN", "socket is already connected"},
    {ENOTCONN, "ENOTCONN", "socket is not connected"},
    {ESHUTDOWN, "ESHUTDOWN", "cannot send after transport endpoint shutdown"},
    {ETIMEDOUT, "ETIMEDOUT", "connection timed out"},
    {ECONNREFUSED, "ECONNREFUSED", "connection refused"},
    {EHOSTDOWN, "EHOSTDOWN", "host is down"},
    {EHOSTUNREACH, "EHOSTUNREACH", "host is unreachable"},
    {EALREADY, "EALREADY", "connection already in progress"},
    {EREMOTEIO, "EREMOTEIO", "remote I/O error"},
    {ECANCELED, "ECANCELED", "operation canceled"},
};

static const struct errno_text *known(int err) {
  for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i += 1)
    if (KNOWN[i].err == err) return &KNOWN[i];
  return NULL;
}

/* Node says UNKNOWN for errnos libuv does not map (EDQUOT, ESTALE...): the real name is more use in a log. */
const char *errno_name(int err, char scratch[ERRNO_NAME_SIZE]) {
  const struct errno_text *text = known(err);
  if (text != NULL) return text->name;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char *name = strerrorname_np(err);
  if (name != NULL) return name;
#endif
  snprintf(scratch, ERRNO_NAME_SIZE, "E%d", err);
  return scratch;
}

/* libuv's style for the rest: the C library's description, first letter in lower case. */
static void describe(int err, char *out, size_t size) {
  const struct errno_text *text = known(err);
  if (text != NULL) {
    snprintf(out, size, "%s", text->message);
    return;
  }
  char buffer[128];
  const char *description = strerror_r(err, buffer, sizeof buffer); /* the GNU variant: returns the text */
  snprintf(out, size, "%s", description);
  out[0] = (char)tolower((unsigned char)out[0]);
}

static void set_string(napi_env env, napi_value object, const char *key, const char *bytes) {
  napi_value value;
  if (napi_create_string_latin1(env, bytes, NAPI_AUTO_LENGTH, &value) == napi_ok) napi_set_named_property(env, object, key, value);
}

/* "ENOENT: no such file or directory, openat 'name'" or "..., renameat 'a' -> 'b'", as Node words it. */
static napi_value message_of(napi_env env, const char *code, int err, const char *syscall, const char *path, const char *dest) {
  char description[160];
  describe(err, description, sizeof description);
  char text[2 * 4096 + 256];
  int n = snprintf(text, sizeof text, "%s: %s, %s", code, description, syscall);
  if (path != NULL && n >= 0 && (size_t)n < sizeof text) n += snprintf(text + n, sizeof text - (size_t)n, " '%s'", path);
  if (dest != NULL && n >= 0 && (size_t)n < sizeof text) snprintf(text + n, sizeof text - (size_t)n, " -> '%s'", dest);
  napi_value message;
  napi_create_string_latin1(env, text, NAPI_AUTO_LENGTH, &message);
  return message;
}

napi_value errno_error(napi_env env, int err, const char *syscall, const char *path, const char *dest) {
  char scratch[ERRNO_NAME_SIZE];
  const char *code = errno_name(err, scratch);
  napi_value code_value, error, errno_value;
  napi_create_string_latin1(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_create_error(env, code_value, message_of(env, code, err, syscall, path, dest), &error);
  napi_create_int32(env, -err, &errno_value);
  napi_set_named_property(env, error, "errno", errno_value);
  set_string(env, error, "syscall", syscall);
  if (path != NULL) set_string(env, error, "path", path);
  if (dest != NULL) set_string(env, error, "dest", dest);
  return error;
}

void throw_errno(napi_env env, int err, const char *syscall, const char *path, const char *dest) {
  napi_throw(env, errno_error(env, err, syscall, path, dest));
}
