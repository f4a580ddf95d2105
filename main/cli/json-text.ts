/**
 * Byte-string paths as JSON text. A name that is valid UTF-8 is written as that text. A byte that is not part of
 * valid UTF-8 becomes the lone surrogate U+DC80 + byte (0x80-0xFF → U+DC80-U+DCFF), which JSON.stringify writes as
 * `\udcXX`: Python's "surrogateescape" and Rust's, Go's or Node's own decoders can turn it back into the byte, and
 * no valid name ever yields a lone surrogate, so the escape is unambiguous.
 */

// eslint-disable-next-line no-control-regex -- NUL never occurs in a name; the rest of ASCII reads the same everywhere
const ASCII = /^[\x01-\x7f]*$/;

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function sequenceLength(bytes: string, i: number): number {
  const b = bytes.charCodeAt(i);
  const cont = (k: number, min = 0x80, max = 0xbf): boolean => {
    const c = bytes.charCodeAt(i + k);
    return c >= min && c <= max;
  };
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return cont(1) ? 2 : 0;
  if (b === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (b === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0; // no encoded surrogates
  if (b >= 0xe1 && b <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (b === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b >= 0xf1 && b <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

export function jsonText(bytes: string): string {
  if (ASCII.test(bytes)) return bytes;
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const length = sequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + bytes.charCodeAt(i));
      i += 1;
    } else {
      out += Buffer.from(bytes.slice(i, i + length), 'latin1').toString('utf8');
      i += length;
    }
  }
  return out;
}
