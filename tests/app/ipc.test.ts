/** IPC handlers: the sender is checked before anything, then every argument, exactly. */
import { describe, expect, it } from 'vitest';
import { Channel, PUSH_CHANNELS } from '../../main/shared/ipc-contract.js';
import type { PairInput, SettingsInput } from '../../main/shared/ipc-contract.js';
import { registerIpcHandlers } from '../../main/ipc/register.js';
import type { InvokeEvent, IpcService } from '../../main/ipc/register.js';
import { asPairInput, asPickFolderRequest, asSettingsInput } from '../../main/ipc/validate.js';
import { ipcMain } from '../fake-electron/electron.js';

const pair: PairInput = {
  id: '',
  source: '/s',
  replica: '/r',
  interval: '1h',
  logDir: '/l',
  excludes: ['*.tmp'],
  watch: false,
  enabled: true,
  trash: { enabled: true, dir: '/r.trash', keepDays: 30 },
  maxDelete: '10%',
};
const settings: SettingsInput = { pairs: [pair], notifyOnFailure: true, startAtLogin: false };

describe('argument checks', () => {
  it('accepts the contract shapes and returns fresh plain objects', () => {
    const checked = asSettingsInput(structuredClone(settings));
    expect(checked).toEqual(settings);
    expect(asPickFolderRequest({ field: 'logDir', current: '' })).toEqual({ field: 'logDir', current: '' });
    expect(asPickFolderRequest({ field: 'trashDir', current: '/r.trash' })).toEqual({ field: 'trashDir', current: '/r.trash' });
  });

  const bad: [string, unknown, RegExp][] = [
    ['an extra field', { ...pair, shell: 'rm -rf /' }, /unexpected field "shell"/],
    ['a missing field', (({ enabled: _enabled, ...rest }) => rest)(pair), /lacks the field "enabled"/],
    ['a number for a path', { ...pair, source: 42 }, /pair\.source must be a string/],
    ['a huge path', { ...pair, replica: 'x'.repeat(5000) }, /pair\.replica is longer than 4096/],
    ['an odd id', { ...pair, id: '../x' }, /pair\.id has characters/],
    ['excludes that are not strings', { ...pair, excludes: [1] }, /pair\.excludes\[0\] must be a string/],
    ['a non-plain object', Object.assign(Object.create({ inherited: true }) as object, pair), /plain object/],
    ['an array', [pair], /must be an object/],
    ['no trash settings', (({ trash: _trash, ...rest }) => rest)(pair), /lacks the field "trash"/],
    ['a trash with an extra field', { ...pair, trash: { ...pair.trash, command: 'x' } }, /pair\.trash has an unexpected field "command"/],
    ['a number of days that is text', { ...pair, trash: { ...pair.trash, keepDays: '30' } }, /pair\.trash\.keepDays must be a number/],
    ['a number of days lost on the way (NaN arrives as null)', { ...pair, trash: { ...pair.trash, keepDays: null } }, /pair\.trash\.keepDays must be a number/],
    ['no deletion limit field', (({ maxDelete: _maxDelete, ...rest }) => rest)(pair), /lacks the field "maxDelete"/],
    ['a deletion limit as a number', { ...pair, maxDelete: 10 }, /pair\.maxDelete must be a string/],
    ['a huge deletion limit', { ...pair, maxDelete: '9'.repeat(100) }, /pair\.maxDelete is longer than 64/],
  ];
  for (const [what, value, message] of bad) {
    it(`refuses a pair with ${what}`, () => expect(() => asPairInput(value)).toThrow(message));
  }

  it('refuses a folder request for a field that does not exist', () => {
    expect(() => asPickFolderRequest({ field: 'home', current: '' })).toThrow(/source, replica, logDir or trashDir/);
  });
});

describe('registerIpcHandlers', () => {
  it('registers every invoke channel; refuses untrusted senders before looking at arguments', async () => {
    const seen: string[] = [];
    const service: IpcService = {
      getSettings: async () => ({ ...settings, pairs: [], defaultLogDir: '/l' }),
      saveSettings: async (input) => {
        seen.push(`save ${input.pairs.length}`);
        return { ok: false, errors: [] };
      },
      pickFolder: async (request) => {
        seen.push(`pick ${request.field}`);
        return '/picked';
      },
      preview: async () => ({ ok: true, lines: [], total: 0, summary: '', refusal: null }),
      getStatus: () => ({ state: 'idle', paused: false, quitting: false, warnings: [], pairs: [] }),
      syncNow: (id) => void seen.push(`sync ${id}`),
      stopSync: (id) => void seen.push(`stop ${id}`),
      pausePair: (id, paused) => void seen.push(`pause ${id} ${paused}`),
    };
    const page = { id: 'page' };
    const trusted = (event: InvokeEvent): boolean => event.sender === page && event.senderFrame?.url === 'file:///app/index.html';
    registerIpcHandlers(ipcMain, trusted, service);
    expect([...ipcMain.handlers.keys()].sort()).toEqual(Object.values(Channel).filter((c) => !(PUSH_CHANNELS as readonly string[]).includes(c)).sort());

    const fromPage = { sender: page, senderFrame: { url: 'file:///app/index.html' } };
    expect(await ipcMain.invoke(Channel.PickFolder, fromPage, { field: 'source', current: '/home' })).toBe('/picked');
    await ipcMain.invoke(Channel.SyncNow, fromPage, null);
    await ipcMain.invoke(Channel.SaveSettings, fromPage, settings);
    await ipcMain.invoke(Channel.StopSync, fromPage, 'p1');
    await expect(ipcMain.invoke(Channel.StopSync, fromPage, '../x')).rejects.toThrow(/pairId/);
    expect(seen).toEqual(['pick source', 'sync null', 'save 1', 'stop p1']);

    for (const event of [
      { sender: page, senderFrame: { url: 'https://evil.example/' } },
      { sender: { id: 'other' }, senderFrame: { url: 'file:///app/index.html' } },
      { sender: page, senderFrame: null },
    ]) {
      await expect(ipcMain.invoke(Channel.PickFolder, event, { field: 'source', current: '' })).rejects.toThrow(/did not come from the settings page/);
    }
    await expect(ipcMain.invoke(Channel.SaveSettings, fromPage, settings, 'extra')).rejects.toThrow(/takes 1 argument, got 2/);
    expect(seen).toHaveLength(4);
  });
});
