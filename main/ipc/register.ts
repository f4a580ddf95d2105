/**
 * Registers one handler per invoke channel of the contract, in one place (after Electron Fiddle's
 * `src/main/ipc.ts`). Each handler first checks the sender — only the settings page loaded from the app's
 * own file may call — then the arguments, and only then calls the service.
 */
import { Channel } from '../shared/ipc-contract.js';
import type {
  InvokeChannel,
  InvokeResult,
  PairInput,
  PickFolderRequest,
  PreviewResult,
  SaveResult,
  SettingsInput,
  SettingsView,
  StatusView,
} from '../shared/ipc-contract.js';
import { asBoolean, asPairId, asPairIdOrNull, asPairInput, asPickFolderRequest, asSettingsInput, expectArgs } from './validate.js';

/** What a handler needs of Electron's IpcMainInvokeEvent. */
export interface InvokeEvent {
  readonly sender: unknown;
  readonly senderFrame: { readonly url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

/** What the page may ask of the main process. */
export interface IpcService {
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: SettingsInput): Promise<SaveResult>;
  pickFolder(request: PickFolderRequest, event: InvokeEvent): Promise<string | null>;
  preview(pair: PairInput): Promise<PreviewResult>;
  getStatus(): StatusView;
  syncNow(pairId: string | null): void;
  stopSync(pairId: string | null): void;
  pausePair(pairId: string, paused: boolean): void;
}

export class UntrustedSenderError extends Error {
  override name = 'UntrustedSenderError';
}

type Handlers = { [C in InvokeChannel]: (args: readonly unknown[], event: InvokeEvent) => Promise<InvokeResult<C>> };

export function createHandlers(service: IpcService): Handlers {
  return {
    [Channel.GetSettings]: async (args) => {
      expectArgs(args, 0, Channel.GetSettings);
      return service.getSettings();
    },
    [Channel.SaveSettings]: async (args) => {
      expectArgs(args, 1, Channel.SaveSettings);
      return service.saveSettings(asSettingsInput(args[0]));
    },
    [Channel.PickFolder]: async (args, event) => {
      expectArgs(args, 1, Channel.PickFolder);
      return service.pickFolder(asPickFolderRequest(args[0]), event);
    },
    [Channel.Preview]: async (args) => {
      expectArgs(args, 1, Channel.Preview);
      return service.preview(asPairInput(args[0]));
    },
    [Channel.GetStatus]: async (args) => {
      expectArgs(args, 0, Channel.GetStatus);
      return service.getStatus();
    },
    [Channel.SyncNow]: async (args) => {
      expectArgs(args, 1, Channel.SyncNow);
      service.syncNow(asPairIdOrNull(args[0]));
    },
    [Channel.StopSync]: async (args) => {
      expectArgs(args, 1, Channel.StopSync);
      service.stopSync(asPairIdOrNull(args[0]));
    },
    [Channel.PausePair]: async (args) => {
      expectArgs(args, 2, Channel.PausePair);
      service.pausePair(asPairId(args[0]), asBoolean(args[1], 'paused'));
    },
  };
}

export function registerIpcHandlers(ipcMain: IpcMainLike, isTrustedSender: (event: InvokeEvent) => boolean, service: IpcService): void {
  const handlers = createHandlers(service);
  for (const channel of Object.keys(handlers) as InvokeChannel[]) {
    const handler = handlers[channel];
    ipcMain.handle(channel, async (event, ...args) => {
      if (!isTrustedSender(event)) throw new UntrustedSenderError(`Refused ${channel}: the request did not come from the settings page.`);
      return handler(args, event);
    });
  }
}
