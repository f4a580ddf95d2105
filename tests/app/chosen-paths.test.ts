/** Where a saved pair's folders may come from: the picker, the settings on disk, and what the page derives from them. */
import { describe, expect, it } from 'vitest';
import { ChosenPaths } from '../../main/app/chosen-paths.js';
import { pairSettings } from '../helpers/pair-settings.js';

const base = pairSettings({ id: '', source: '/home/u/Documents', replica: '/media/u/USB/Backup', logDir: '/home/u/.local/state/folder-sync/logs' });

describe('ChosenPaths', () => {
  it('refuses folders neither picked nor on disk, one sentence per field; empty fields are left to the field checks', () => {
    const chosen = new ChosenPaths();
    const errors = chosen.check([{ ...base, trash: { enabled: true, dir: '/home/u', keepDays: 30 } }, { ...base, source: '' }], [], '/default/logs');
    expect(errors.map((e) => `${e.pairIndex} ${e.field}`)).toEqual(['0 source', '0 replica', '0 logDir', '0 trashDir', '1 replica', '1 logDir']);
    expect(errors[0]?.message).toBe('The source folder "/home/u/Documents" was not chosen with "Choose…": choose it again.');
  });

  it('accepts picked folders, folders on disk, the default log folder and a trash offered beside a known folder', () => {
    const chosen = new ChosenPaths();
    chosen.remember('/home/u/Documents');
    chosen.remember('/media/u/USB/Old');
    chosen.remember('/media/u/USB/Backup');
    // The trash was offered for the first replica picked, then the replica was picked again: still the user's.
    const pair = { ...base, logDir: '/default/logs', trash: { enabled: true, dir: '/media/u/USB/Old.trash', keepDays: 30 } };
    expect(chosen.check([pair], [], '/default/logs')).toEqual([]);
    const onDisk = [{ ...base, id: 'a', source: '/srv/data', replica: '/mnt/copy' }];
    expect(new ChosenPaths().check([{ ...base, source: '/srv/data', replica: '/mnt/copy', logDir: base.logDir }], onDisk, '/default/logs')).toEqual([]);
    expect(new ChosenPaths().check([{ ...base, source: '/srv/data', replica: '/mnt/copy', logDir: base.logDir, trash: { enabled: false, dir: '/etc.trash', keepDays: 30 } }], onDisk, '/x')).toHaveLength(1);
  });
});
