/**
 * electron-log's core Logger class (levels, transports, the internal-error hook) without its Node entry's default
 * transports: log.ts needs only this. The package ships no declaration for the file; its `Logger` interface
 * describes an instance.
 */
declare module 'electron-log/src/core/Logger.js' {
  import type { Logger } from 'electron-log';

  const CoreLogger: new (options: { logId: string }) => Logger;
  export default CoreLogger;
}
