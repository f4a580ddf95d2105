/**
 * One small file copied through the addon's copyFileAsync (native/src/copy_js.c): the bytes move on libuv's pool,
 * so the event loop stays free without a worker thread, whose start and compiles cost more than a few thousand
 * small files do. The same copy as copy-file.ts's, split where the thread changes: the C side opens, checks the
 * type and size, writes the temp file O_EXCL and stamps it; here the identity rule judges the source's stats from
 * before and after the read, and the temp file is renamed into place as copyFileAtomicSync does.
 */
import { COPY_STAGE, type AtOps, type EntryAt, type NativeCopy } from '../fs/at.js';
import { Changed, failedCopy, NOT_REGULAR, removeQuietly, renameIntoPlace, unchanged, vanishedOr, type CopyJob, type CopyOutcome, type CopyTrees } from './copy-file.js';

export type CopyFileAsync = NonNullable<AtOps['copyFileAsync']>;

/** The outcome, or undefined for a file with holes, which the caller copies with copyFileAtomicSync (it keeps them). */
export async function copySmallNative(job: CopyJob, trees: CopyTrees, copy: CopyFileAsync): Promise<CopyOutcome | undefined> {
  const { source, replica } = trees;
  let from: EntryAt;
  try {
    from = source.entryAt(job.rel);
  } catch (error) {
    return failedCopy(vanishedOr(error));
  }
  let result: NativeCopy;
  try {
    result = await copy(from, replica.entryAt(job.temp), job);
  } catch (error) {
    const stage = (error as { stage?: number }).stage;
    // As copyFileAtomicSync: once the temp file was to be made, whatever is at its name goes.
    if (stage !== COPY_STAGE.open && stage !== COPY_STAGE.check) removeQuietly(replica, job.temp);
    return failedCopy(stage === COPY_STAGE.open ? vanishedOr(error) : error);
  }
  if (result.status === 'not-dense') return undefined;
  if (result.status === 'not-regular') return NOT_REGULAR;
  if (result.status !== 'done') return failedCopy(new Changed());
  if (!unchanged(result.before, job) || !unchanged(result.after, job)) {
    removeQuietly(replica, job.temp);
    return failedCopy(new Changed());
  }
  try {
    return renameIntoPlace(job, trees);
  } catch (error) {
    removeQuietly(replica, job.temp);
    return failedCopy(error);
  }
}
