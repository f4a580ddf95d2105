/**
 * Start at login on Linux: an XDG autostart entry, `~/.config/autostart/folder-sync.desktop`. The file itself is
 * the setting (the user may also remove it from the desktop's "Startup Applications"), so it is read back
 * rather than remembered.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export const AUTOSTART_FILE_NAME = 'folder-sync.desktop';

export interface AutostartOptions {
  /** The user's config folder ($XDG_CONFIG_HOME or ~/.config): Electron's `app.getPath('appData')` on Linux. */
  readonly configDir: string;
  /** What starts the app: the AppImage when running from one, else the executable (and app folder in dev). */
  readonly command: readonly string[];
}

/**
 * Quotes one argument of an Exec line as the Desktop Entry spec asks: an argument with a reserved character goes in
 * double quotes, where `"`, `` ` ``, `$` and `\` take a backslash; a literal `%` is `%%` (not a field code).
 */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg.replace(/%/g, '%%');
  return `"${arg.replace(/[\\"`$]/g, (ch) => `\\${ch}`).replace(/%/g, '%%')}"`;
}

const VALUE_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/**
 * The escaping every string value of a desktop entry gets, which readers undo before they parse the Exec quoting:
 * so a backslash of the quoting is written twice (`\\$` for a `$` in quotes, four for a backslash in a path).
 * GLib (Cinnamon's launcher) rejects the whole value at an escape it does not know, such as a lone `\$`.
 */
function escapeValue(text: string): string {
  return text.replace(/[\\\n\t\r]/g, (ch) => VALUE_ESCAPES[ch] ?? ch);
}

/** The Exec value that runs `command` (the program, then its arguments) exactly, whatever characters they hold. */
export function execValue(command: readonly string[]): string {
  return escapeValue(command.map(quoteExecArg).join(' '));
}

export function autostartEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Folder Sync',
    'Comment=Keeps replica folders mirrored from their source folders',
    `Exec=${execValue(command)}`,
    'Icon=folder-sync',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export class Autostart {
  readonly file: string;

  constructor(private readonly options: AutostartOptions) {
    this.file = path.join(options.configDir, 'autostart', AUTOSTART_FILE_NAME);
  }

  async isEnabled(): Promise<boolean> {
    try {
      const text = await fs.readFile(this.file, 'utf8');
      // Desktops honour these two keys to switch an entry off without removing it.
      return !/^Hidden=true$/m.test(text) && !/^X-GNOME-Autostart-enabled=false$/m.test(text);
    } catch {
      return false;
    }
  }

  async set(enabled: boolean): Promise<void> {
    if (!enabled) {
      await fs.rm(this.file, { force: true });
      return;
    }
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await fs.writeFile(temp, autostartEntry(this.options.command), { mode: 0o644 });
    await fs.rename(temp, this.file);
  }
}
