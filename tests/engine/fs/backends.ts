/**
 * The AtOps backends a test runs against: the /proc one always, the native one where the addon loads (not
 * under FOLDER_SYNC_NATIVE=0; under FOLDER_SYNC_NATIVE=1 a missing addon fails the suite instead of skipping).
 */
import { spawnSync } from 'node:child_process';
import type { AtOps } from '../../../main/engine/fs/at.js';
import { nativeAtOps } from '../../../main/engine/fs/at-native.js';
import { procAtOps } from '../../../main/engine/fs/at-proc.js';
import { loadNativeAddon, type NativeAddon } from '../../../main/engine/fs/native-addon.js';

export const addon: NativeAddon | undefined = loadNativeAddon();

type Backend = [AtOps['backend'], AtOps];

export const BACKENDS: Backend[] = [...(addon === undefined ? [] : [['native', nativeAtOps(addon)] satisfies Backend]), ['proc', procAtOps()]];

/** Why the native backend cannot be expected here, or undefined where it can (a C compiler exists). */
export function compilerMissing(): string | undefined {
  const compiler = process.env.CC ?? 'cc';
  const probe = spawnSync(compiler, ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0 ? undefined : `no C compiler (${compiler})`;
}
