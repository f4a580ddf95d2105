/**
 * The deletion limit ("stop if a sync would delete more than N entries, or P% of the replica"), as typed on the
 * command line (`--max-delete`) and in the settings window. One parser, so both accept and refuse exactly the
 * same text. No Node imports: the settings page checks the field with it as the user types.
 */

/** The engine's `maxDelete` option (SyncOptions). */
export type MaxDelete = { readonly count: number } | { readonly percent: number };

export class MaxDeleteError extends Error {
  override name = 'MaxDeleteError';
}

/**
 * `N` (a whole number of entries) or `P%` (a percentage of the replica's entries, up to 100). `name` is what the
 * input is called where it was typed ("--max-delete", "deletion limit"), so the sentence names it.
 */
export function parseMaxDelete(spec: string, name: string): MaxDelete {
  const text = spec.trim();
  if (/^\d+$/.test(text)) return { count: Number(text) };
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent !== null && Number(percent[1]) <= 100) return { percent: Number(percent[1]) };
  throw new MaxDeleteError(`Invalid ${name} "${spec}": give a number of entries (e.g. 100) or a percentage up to 100% (e.g. 10%).`);
}

/** What the settings window calls the field in its messages. */
export const SETTING_NAME = 'deletion limit';

/** The settings field: empty means no limit; anything else must parse. */
export function parseMaxDeleteSetting(text: string): MaxDelete | undefined {
  return text.trim() === '' ? undefined : parseMaxDelete(text, SETTING_NAME);
}

/** The setting's inline error, or null when it is fine (empty included). */
export function maxDeleteSettingProblem(text: string): string | null {
  try {
    parseMaxDeleteSetting(text);
    return null;
  } catch (error) {
    if (error instanceof MaxDeleteError) return error.message;
    throw error;
  }
}
