/** The words of the question asked before a run deletes or overwrites: counts, topmost names, singular and plural. */
import { describe, expect, it } from 'vitest';
import { declinedText, destroysSomething, planSentence, questionFromPlan, questionWords } from '../../main/app/deletion-question.js';
import type { Action } from '../../main/engine/index.js';
import { pairSettings } from '../helpers/pair-settings.js';

const photos: Action[] = [
  ...Array.from({ length: 40 }, (_, i): Action => ({ type: 'delete', path: `Family photos 2019/p${i}.jpg` })),
  { type: 'rmdir', path: 'Family photos 2019' },
  { type: 'delete', path: 'wedding-video.mp4' },
  { type: 'copy', path: 'a.txt', size: 2 },
];

describe('the deletion question', () => {
  it('counts every deletion but names only the topmost, folders with a slash, in name order', () => {
    const q = questionFromPlan(photos, 'first-sync');
    expect(q).toMatchObject({ deletes: 42, overwrites: 0, deleteExamples: ['Family photos 2019/', 'wedding-video.mp4'] });
    expect(planSentence(q)).toBe('This sync will delete 42 items, including Family photos 2019/ and wedding-video.mp4.');
  });

  it('names all when few, says "1 item", adds overwrites, and nothing to ask when only copying', () => {
    const q = questionFromPlan([{ type: 'delete', path: 'x' }, { type: 'update', path: 'notes.txt', size: 3 }, { type: 'symlink', path: 'l', target: 't', replace: true }], 'over-limit');
    expect(planSentence(q)).toBe('This sync will delete 1 item: x, and overwrite 2 files: l and notes.txt.');
    expect(destroysSomething(questionFromPlan([{ type: 'copy', path: 'a', size: 1 }, { type: 'mkdir', path: 'd' }], 'first-sync'))).toBe(false);
  });

  it('says where deleted files go, or that they are gone for good, and what a no left', () => {
    const q = questionFromPlan(photos, 'over-limit');
    const pair = pairSettings({ id: 'p', source: '/home/u/Documents', replica: '/media/u/USB/Backup', logDir: '/l' }, { maxDelete: '10%' });
    expect(questionWords(q, pair)).toEqual({
      message: 'Syncing Documents → Backup would delete or overwrite more than its limit of 10%.',
      detail: 'This sync will delete 42 items, including Family photos 2019/ and wedding-video.mp4. They are gone for good: "Keep deleted and overwritten files" is off for this pair. Nothing is changed unless you choose "Delete and sync".',
    });
    expect(declinedText(q)).toBe('Not synced: you chose not to let it delete 42 items, including Family photos 2019/ and wedding-video.mp4. Nothing was changed; "Sync now" asks again.');
  });
});
