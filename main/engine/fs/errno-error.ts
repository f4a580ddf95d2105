/** Errors shaped as Node's fs throws them, for the checks the /proc backend makes before any system call. */
import os from 'node:os';
import util from 'node:util';

type ErrnoCode = keyof typeof os.constants.errno;

/** `EINVAL: invalid argument, open 'name'`, with code, negative errno, syscall and path, as Node's. */
export function errnoError(code: ErrnoCode, syscall: string, path?: string): NodeJS.ErrnoException {
  const errno = os.constants.errno[code];
  const description = util.getSystemErrorMap().get(-errno)?.[1] ?? 'unknown error';
  const error: NodeJS.ErrnoException = new Error(`${code}: ${description}, ${syscall}${path === undefined ? '' : ` '${path}'`}`);
  error.errno = -errno;
  error.code = code;
  error.syscall = syscall;
  if (path !== undefined) error.path = path;
  return error;
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
