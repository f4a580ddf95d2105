/**
 * The paths of a table being built, in pieces of one or more NUL-joined paths: stretches of rows copied from an
 * older table as one view of its bytes, single paths as strings. Joined once at the end into the bytes a record file
 * stores (path-text.ts), with no string made per copied path.
 */
import { bufferView } from './path-text.js';

export class PathPieces {
  private readonly pieces: Array<Uint8Array | string> = [];
  /** How many rows each piece holds. */
  private readonly pieceRows: number[] = [];
  /**
   * A path holding a NUL was added (no scan makes one; a damaged table or a test can): joined, it would read as two
   * rows, so the paths are given back as a list instead, and the record file's checks refuse it (record-file.ts).
   */
  private holdsNul = false;

  /** `paths`: `rows` paths joined by NUL. */
  add(paths: Uint8Array | string, rows: number): void {
    this.pieces.push(paths);
    this.pieceRows.push(rows);
    if (!this.holdsNul && rows === 1 && typeof paths === 'string' && paths.includes('\0')) this.holdsNul = true;
  }

  /** The pieces joined by NUL into one buffer of the exact size; a list where a path holds a NUL. */
  joined(): Uint8Array | string[] {
    if (this.holdsNul) return this.list();
    let size = Math.max(0, this.pieces.length - 1);
    for (const piece of this.pieces) size += piece.length;
    const bytes = Buffer.allocUnsafeSlow(size);
    let at = 0;
    this.pieces.forEach((piece, i) => {
      if (i > 0) bytes[at++] = 0;
      if (typeof piece === 'string') at += bytes.write(piece, at, 'latin1');
      else {
        bytes.set(piece, at);
        at += piece.length;
      }
    });
    return bytes;
  }

  private list(): string[] {
    return this.pieces.flatMap((piece, i) => {
      const text = typeof piece === 'string' ? piece : bufferView(piece).toString('latin1');
      return this.pieceRows[i] === 1 ? [text] : text.split('\0');
    });
  }
}
