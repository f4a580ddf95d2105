/**
 * Why an entry failed, in plain words: the system's error code as a user would say it ("the drive is full"),
 * not "ENOSPC". The log keeps the code and the system's message; the window and the notification use these.
 */
const CAUSES: Readonly<Record<string, string>> = {
  ENOSPC: 'the drive is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the drive is read-only',
  EIO: 'the drive reported a read or write error',
  ENOENT: 'it disappeared during the sync',
  ENAMETOOLONG: 'the name is too long for the replica',
  EFBIG: 'the file is too large for the replica’s file system',
  EBUSY: 'it is in use',
  ETXTBSY: 'it is in use',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  ENOTDIR: 'a file stands where a folder should be',
  EISDIR: 'a folder stands where a file should be',
  ELOOP: 'too many symbolic links',
  EINVAL: 'the replica’s file system does not accept it',
  ENODEV: 'the drive is gone',
  ENXIO: 'the drive is gone',
  ETIMEDOUT: 'the drive stopped answering',
};

/** The cause in words; the system's message (without a leading code) when the code is not one we word. */
export function causeInWords(code: string | undefined, message: string): string {
  if (code !== undefined && CAUSES[code] !== undefined) return CAUSES[code];
  return message.replace(/^E[A-Z]+: /, '').replace(/\.$/, '');
}
