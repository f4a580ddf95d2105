/** Every exit code of the command line, named once (after rclone's lib/exitcode). */
export const ExitCode = {
  /** Done; entries the replica cannot represent are only warnings. */
  Ok: 0,
  /** The run finished but some entries failed (each one logged). */
  PartialFailure: 1,
  /** Bad usage or configuration; nothing was touched. */
  Usage: 2,
  /** Refused for safety (source and replica overlapping, emptied source, --max-delete exceeded, replica drive not connected); nothing changed. */
  Refused: 3,
  /** The run finished (as 0 or 1 would say), but lines of the operation log could not be written. */
  LogIncomplete: 4,
  /** Aborted by a second interrupt. */
  Interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
