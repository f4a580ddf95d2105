/**
 * Where a saved pair's folders may come from. The page is trusted code, but a compromised renderer must not be
 * able to point a mirror at any folder it likes (one `settings:save` with a decoy "home" as replica would
 * replace it): every folder in a pair must be one the user chose in the folder picker since the app started,
 * or one the settings on disk already hold. Two derived values are also the user's choice: the default log
 * folder the page is given, and the trash folder offered beside any folder that passed this check.
 */
import type { FieldError, PairInput, PairSettings } from '../shared/ipc-contract.js';
import { suggestTrashDir } from '../shared/trash-suggestion.js';

const FIELD_WORDS = { source: 'source folder', replica: 'replica folder', logDir: 'log folder', trashDir: 'trash folder' } as const;

export class ChosenPaths {
  private readonly picked = new Set<string>();

  /** What the folder picker answered (the user clicked it in a native dialog). */
  remember(folder: string): void {
    this.picked.add(folder);
  }

  /**
   * One error per folder that neither the picker nor the settings on disk gave. Empty paths are left to the
   * field checks ("choose a folder"), which say more to a real user.
   */
  check(pairs: readonly PairInput[], onDisk: readonly PairSettings[], defaultLogDir: string): FieldError[] {
    const known = new Set(this.picked);
    for (const pair of onDisk) for (const folder of [pair.source, pair.replica, pair.logDir, pair.trash.dir]) known.add(folder);
    // The page offers "<replica>.trash" for a replica it was given; the replica may have been chosen again since.
    const offered = new Set([...known].map(suggestTrashDir).filter((dir) => dir !== ''));
    const errors: FieldError[] = [];
    for (const [pairIndex, pair] of pairs.entries()) {
      const allowed = {
        source: known.has(pair.source),
        replica: known.has(pair.replica),
        logDir: known.has(pair.logDir) || pair.logDir === defaultLogDir,
        trashDir: known.has(pair.trash.dir) || offered.has(pair.trash.dir),
      };
      const values = { source: pair.source, replica: pair.replica, logDir: pair.logDir, trashDir: pair.trash.dir };
      for (const field of ['source', 'replica', 'logDir', 'trashDir'] as const) {
        if (values[field] === '' || allowed[field]) continue;
        errors.push({ pairIndex, field, message: `The ${FIELD_WORDS[field]} "${values[field]}" was not chosen with "Choose…": choose it again.` });
      }
    }
    return errors;
  }
}
