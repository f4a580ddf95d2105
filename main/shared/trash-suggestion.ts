/**
 * The trash folder offered when "Keep deleted and overwritten files" is switched on: beside the replica and
 * named after it (`/media/u/USB/Backup` → `/media/u/USB/Backup.trash`). Beside, because the mirror deletes
 * whatever the source lacks, so a trash inside the replica would be emptied by the next run; on the same drive,
 * so putting a file aside is a rename, not a copy. Plain string work: the settings page runs it in the browser.
 */
export function suggestTrashDir(replica: string): string {
  const trimmed = replica.replace(/\/+$/, '');
  // No replica chosen yet, a relative path, or the root itself: nothing sensible to offer.
  if (!trimmed.startsWith('/')) return '';
  return `${trimmed}.trash`;
}
