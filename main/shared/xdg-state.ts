/** $XDG_STATE_HOME/folder-sync, or ~/.local/state/folder-sync: records, logs and history, for the CLI and the app. */
import path from 'node:path';

export function xdgStateDir(env: Readonly<Record<string, string | undefined>>, homedir: string): string {
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const base = xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(homedir, '.local', 'state');
  return path.join(base, 'folder-sync');
}
