/** A scan's joined path bytes (PackedScan.paths) as the byte string they spell, one char per byte; a string as it is. */
export function pathsText(paths: Uint8Array | string): string {
  return typeof paths === 'string' ? paths : Buffer.from(paths.buffer, paths.byteOffset, paths.byteLength).toString('latin1');
}
