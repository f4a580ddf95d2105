/**
 * settings.json under the app's user-data folder. Written atomically (temp file, then rename) so a crash never
 * leaves half a file; read with a full check, and a file that fails it is kept aside, not overwritten, so
 * the user can still recover what they had. The temp file has a name nobody can guess and is created
 * O_CREAT|O_EXCL|O_NOFOLLOW: a link planted beside settings.json is never written through. settings.json is read
 * only if it is a regular file (opened O_NONBLOCK, then fstat): a FIFO there is set aside, never waited on.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_SETTINGS, parseStoredSettings } from './settings-schema.js';
import type { StoredSettings } from './settings-schema.js';

export interface LoadResult {
  readonly settings: StoredSettings;
  /** Set when the file was unreadable and the defaults are used. */
  readonly warning: string | null;
}

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;

/**
 * The file's text if it is a regular file (a link to one included: the user may keep settings.json among their
 * dotfiles); a FIFO, a folder or a device fails with a sentence, at once.
 */
async function readRegularFile(file: string): Promise<string> {
  const handle = await fs.open(file, O_RDONLY | O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error('it is not a regular file');
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
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
      text = await readRegularFile(this.file);
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
    const temp = `${this.file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(settings, null, 2)}\n`);
      await handle.sync();
      await handle.close();
      await fs.rename(temp, this.file);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      throw error;
    }
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
