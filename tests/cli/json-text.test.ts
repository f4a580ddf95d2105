import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonText } from '../../main/cli/json-text.js';

/** Python's surrogateescape, the other way: how a reader gets the bytes back. */
function bytesOf(text: string): Buffer {
  const parts: Buffer[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    parts.push(code >= 0xdc80 && code <= 0xdcff ? Buffer.from([code - 0xdc00]) : Buffer.from(ch, 'utf8'));
  }
  return Buffer.concat(parts);
}

describe('paths as JSON text', () => {
  it('writes UTF-8 names as text and every other byte as U+DC80 + byte', () => {
    expect(jsonText('plain/a.txt')).toBe('plain/a.txt');
    expect(jsonText(Buffer.from('é/ü.txt', 'utf8').toString('latin1'))).toBe('é/ü.txt');
    expect(jsonText('bad-\xff.txt')).toBe('bad-\udcff.txt');
    expect(JSON.stringify(jsonText('bad-\xff'))).toBe('"bad-\\udcff"');
    // A truncated sequence, an encoded surrogate, an overlong form: bytes, not text.
    expect(jsonText('\xe2\x82')).toBe('\udce2\udc82');
    expect(jsonText('\xed\xa0\x80')).toBe('\udced\udca0\udc80');
    expect(jsonText('\xc0\xaf')).toBe('\udcc0\udcaf');
  });

  it('gives the bytes back for any name', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (raw) => {
        const bytes = Buffer.from(raw.map((b) => (b === 0 ? 1 : b)));
        expect(bytesOf(jsonText(bytes.toString('latin1')))).toEqual(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});
