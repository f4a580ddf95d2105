/** A pair as the settings page would send it: hourly, no excludes, no watch, no trash, no deletion limit. */
import type { PairInput } from '../../main/shared/ipc-contract.js';

export function pairSettings(folders: Pick<PairInput, 'id' | 'source' | 'replica' | 'logDir'>, extra: Partial<PairInput> = {}): PairInput {
  return {
    ...folders,
    interval: '1h',
    excludes: [],
    watch: false,
    enabled: true,
    trash: { enabled: false, dir: '', keepDays: 30 },
    maxDelete: '',
    ...extra,
  };
}
