import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseKey, nameProblem, type NameTraits } from '../../main/engine/fs/names.js';

/** Byte string (latin1 characters = bytes) of a UTF-8 text. */
const b = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

const NATIVE: NameTraits = {
  refusesWindowsChars: false,
  keepsTrailingDots: true,
  keepsTrailingSpaces: true,
  unicodeNames: true,
  byteNames: true,
};
const EXFAT: NameTraits = { ...NATIVE, refusesWindowsChars: true, byteNames: false };
const FAT: NameTraits = { ...EXFAT, unicodeNames: false };
const NTFS: NameTraits = { ...NATIVE, byteNames: false };
const KERNEL_VFAT: NameTraits = { ...EXFAT, keepsTrailingDots: false };

describe('nameProblem', () => {
  it('accepts everything on a native file system', () => {
    for (const name of ['a:b', 'x?', 'dot.', 'space ', b('été'), 'bad\xff', 'ctl\x01']) {
      expect(nameProblem(name, NATIVE)).toBeUndefined();
    }
  });

  it("refuses each of Windows' reserved characters and control characters where the drive does", () => {
    for (const char of [':', '*', '?', '"', '<', '>', '|', '\\']) {
      expect(nameProblem(`a${char}b`, EXFAT)).toBe(`the name contains '${char}', which the replica's file system refuses`);
      expect(nameProblem(`a${char}b`, NTFS)).toBeUndefined();
    }
    expect(nameProblem('a\x1fb', EXFAT)).toMatch(/control character 0x1f/);
    expect(nameProblem('a\x7fb', EXFAT)).toBeUndefined();
    expect(nameProblem(b('Ünïcödé 日本 😀'), EXFAT)).toBeUndefined();
  });

  it('refuses names that are not UTF-8 on drives that store Unicode names', () => {
    expect(nameProblem('bad\xff', EXFAT)).toMatch(/not valid UTF-8/);
    expect(nameProblem('truncated\xc3', NTFS)).toMatch(/not valid UTF-8/);
    expect(nameProblem(b('é'), NTFS)).toBeUndefined();
  });

  it('refuses non-ASCII (and DEL) where only ASCII names are held', () => {
    expect(nameProblem(b('é'), FAT)).toMatch(/outside printable ASCII/);
    expect(nameProblem('a\x7f', FAT)).toMatch(/outside printable ASCII/);
    expect(nameProblem('a\x01', FAT)).toMatch(/outside printable ASCII/);
    expect(nameProblem(' plain name ~!@#$%^&()[]{};\',=+.txt', { ...FAT, keepsTrailingSpaces: true })).toBeUndefined();
  });

  it('refuses trailing dots and spaces only where the drive drops them', () => {
    expect(nameProblem('dot.', EXFAT)).toBeUndefined();
    expect(nameProblem('dot.', KERNEL_VFAT)).toBe("the name ends with a dot, which the replica's file system drops");
    expect(nameProblem('...', KERNEL_VFAT)).toMatch(/ends with a dot/);
    expect(nameProblem('.hidden', KERNEL_VFAT)).toBeUndefined();
    expect(nameProblem('sp ', { ...EXFAT, keepsTrailingSpaces: false })).toMatch(/ends with a space/);
    expect(nameProblem(' lead', { ...EXFAT, keepsTrailingSpaces: false })).toBeUndefined();
  });
});

describe('caseKey', () => {
  it('folds ASCII letters in every component and keeps the slashes', () => {
    expect(caseKey('Dir/Sub/File.TXT')).toBe(caseKey('dir/sub/file.txt'));
    expect(caseKey('dir/file')).not.toBe(caseKey('dir-file'));
    expect(caseKey('a/b').split('/')).toHaveLength(2);
  });

  it('folds like an exFAT up-case table: simple, one-to-one, BMP only, no normalisation', () => {
    expect(caseKey(b('été'))).toBe(caseKey(b('ÉTÉ')));
    expect(caseKey(b('σ'))).toBe(caseKey(b('ς')));
    expect(caseKey(b('Ω'))).toBe(caseKey(b('ω')));
    expect(caseKey(b('ｆ'))).toBe(caseKey(b('Ｆ')));
    expect(caseKey(b('ß'))).not.toBe(caseKey('SS'));
    expect(caseKey(b('ß'))).not.toBe(caseKey(b('ẞ')));
    expect(caseKey(b('\u00e9'))).not.toBe(caseKey(b('e\u0301')));
    expect(caseKey(b('\u{10428}'))).not.toBe(caseKey(b('\u{10400}')));
    // Wider than exFAT's table, on purpose (a warning rather than a flip-flop): the dotless i keys as I.
    expect(caseKey(b('ı'))).toBe(caseKey('I'));
  });

  it('keeps names that are not UTF-8 apart from every UTF-8 name, folding only their ASCII letters', () => {
    expect(caseKey('abc\xff')).toBe(caseKey('ABC\xff'));
    expect(caseKey('\xe9')).not.toBe(caseKey(b('é')));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const name = Buffer.from(bytes).toString('latin1').replaceAll('/', '_');
        const key = caseKey(name);
        expect(isUtf8(Buffer.from(key, 'latin1'))).toBe(isUtf8(Buffer.from(name, 'latin1')));
        expect(caseKey(key)).toBe(key);
      }),
    );
  });

  it('gives the same key to names that differ only in letter case', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), (text, upper) => {
        const flipped = [...text].map((char, i) => (upper[i] === true && /[a-z]/.test(char) ? char.toUpperCase() : char)).join('');
        expect(caseKey(b(flipped))).toBe(caseKey(b(text)));
      }),
    );
  });
});
