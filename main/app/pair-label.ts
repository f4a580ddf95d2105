/** How a pair is named in the tray menu and the settings list: "Documents → Backup". */
import path from 'node:path';
import type { PairInput } from '../shared/ipc-contract.js';

export function pairLabel(pair: Pick<PairInput, 'source' | 'replica'>): string {
  const name = (p: string): string => (p === '' ? '?' : path.basename(p) || p);
  return `${name(pair.source)} → ${name(pair.replica)}`;
}
