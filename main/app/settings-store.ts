/**
 * settings.json under the app's user-data folder. Written atomically (temp file, then rename) so a crash never
 * leaves half a file; read with a full check, and a file that fails it is kept aside, not overwritten, so
 * the user can still recover what they had.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SETTINGS, parseStoredSettings } from './settings-schema.js';
import type { StoredSettings } from './settings-schema.js';

export interface LoadResult {
  readonly settings: StoredSettings;
  /** Set when the file was unreadable and the defaults are used. */
  readonly warning: string | null;
}

export class SettingsStore {
  private current: StoredSettings = DEFAULT_SETTINGS;

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get settings(): StoredSettings {
    return this.current;
  }

  async load(): Promise<LoadResult> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.current = DEFAULT_SETTINGS;
        return { settings: this.current, warning: null };
      }
      return this.fallBack(error instanceof Error ? error.message : String(error));
    }
    try {
      this.current = parseStoredSettings(JSON.parse(text) as unknown);
      return { settings: this.current, warning: null };
    } catch (error) {
      return this.fallBack(error instanceof Error ? error.message : String(error));
    }
  }

  async save(settings: StoredSettings): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, this.file);
    this.current = settings;
  }

  private async fallBack(reason: string): Promise<LoadResult> {
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    const aside = `${this.file}.corrupt-${stamp}`;
    let kept: string;
    try {
      await fs.rename(this.file, aside);
      kept = `it was kept as ${path.basename(aside)}`;
    } catch {
      kept = 'it could not be moved aside';
    }
    this.current = DEFAULT_SETTINGS;
    return {
      settings: this.current,
      warning: `The settings file could not be used (${reason.replace(/\.$/, '')}); ${kept} and the defaults are in use.`,
    };
  }
}
