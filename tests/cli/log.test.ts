import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../main/engine/run/options.js';
import { toByteString } from '../../main/engine/fs/paths.js';
import type { RunSummary } from '../../main/engine/types.js';
import { createOperationLog, LOG_FILE_NAME, prepareLogFile } from '../../main/log.js';
import { appendToLog, NotARegularLogFile, rotatedName } from '../../main/log-file.js';
import { escapeControls, summaryLine } from '../../main/shared/log-format.js';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fs-log-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const summary: RunSummary = {
  status: 'ok',
  copied: 2,
  updated: 1,
  moved: 1,
  deleted: 3,
  created: 1,
  metadata: 0,
  skipped: 0,
  unrepresentable: 0,
  errors: 0,
  failures: [], undone: 0, aborted: false,
  bytesCopied: 3 * 1024 * 1024,
  durationMs: 1500,
  dryRun: false,
};

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('operation log', () => {
  it('creates the folder and folder-sync.log, one line per operation with a timestamp', () => {
    const dir = path.join(tmp, 'a', 'b', 'logs');
    const log = createOperationLog(dir);
    expect(log.file).toBe(path.join(dir, LOG_FILE_NAME));
    log.write({ type: 'start', source: '/src', replica: '/rep', dryRun: false });
    log.write({ type: 'op', op: 'mkdir', path: 'docs' });
    log.write({ type: 'op', op: 'copy', path: 'docs/a.txt' });
    log.write({ type: 'op', op: 'move', from: 'old/b.txt', path: 'docs/b.txt' });
    log.write({ type: 'op', op: 'delete', path: 'gone.txt' });
    log.write({ type: 'op', op: 'error', path: 'locked.txt', detail: 'EACCES: permission denied' });
    log.write({ type: 'progress', filesDone: 1, filesTotal: 2, bytesDone: 1, bytesTotal: 2 });
    log.write({ type: 'plan', actions: [{ type: 'copy', path: 'x', size: 1 }] });
    log.write({ type: 'warning', message: 'symlink not representable: l' });
    log.writeSummary(summary);
    log.close();

    const got = lines(log.file);
    expect(got).toHaveLength(8);
    for (const line of got) expect(line).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] /);
    const text = got.map((l) => l.replace(/^\[[^\]]+\] /, ''));
    expect(text).toEqual([
      'start   /src -> /rep',
      'mkdir   docs',
      'copy    docs/a.txt',
      'move    old/b.txt -> docs/b.txt',
      'delete  gone.txt',
      'error   locked.txt: EACCES: permission denied',
      'warning symlink not representable: l',
      summaryLine(summary),
    ]);
  });

  it('keeps a name with a newline on one line and shows UTF-8 bytes as text', () => {
    const log = createOperationLog(tmp);
    log.write({ type: 'op', op: 'copy', path: toByteString('two\nlines\\é.txt') });
    log.write({ type: 'op', op: 'copy', path: toByteString('tab\there\u0007') });
    log.close();
    const got = lines(log.file);
    expect(got).toHaveLength(2);
    expect(got[0]).toContain('copy    two\\nlines\\\\é.txt');
    expect(got[1]).toContain('copy    tab\\there\\x07');
  });

  it('appends across instances, writes nothing after close, and records a dry run as its plan', () => {
    const first = createOperationLog(tmp);
    first.write({ type: 'op', op: 'copy', path: 'one' });
    first.close();
    first.write({ type: 'op', op: 'copy', path: 'after-close' });
    const second = createOperationLog(tmp);
    second.write({ type: 'start', source: '/s', replica: '/r', dryRun: true });
    second.write({
      type: 'plan',
      actions: [
        { type: 'copy', path: 'new.txt', size: 3 },
        { type: 'move', from: 'a', path: 'b', kind: 'file' },
      ],
    });
    second.writeSummary({ ...summary, dryRun: true });
    second.note('quit requested\n(SIGINT)');
    second.close();
    const text = lines(second.file).map((l) => l.replace(/^\[[^\]]+\] /, ''));
    expect(text).toEqual([
      'copy    one',
      'start   /s -> /r (dry run)',
      'would   copy    new.txt',
      'would   move    a -> b',
      summaryLine({ ...summary, dryRun: true }),
      'note    quit requested\\n(SIGINT)',
    ]);
  });

  it('refuses a log folder that cannot be created, naming it', () => {
    const file = path.join(tmp, 'file');
    fs.writeFileSync(file, 'x');
    const bad = path.join(file, 'logs');
    expect(() => prepareLogFile(bad)).toThrow(ConfigError);
    expect(() => prepareLogFile(bad)).toThrow(bad);
    expect(() => createOperationLog(file)).toThrow(`"${file}"`);
  });
});

describe('the log file is written only if it is a regular file', () => {
  it('a symlink swapped in at its name mid-run is never written through: the failure is said once, naming the file', () => {
    const decoy = path.join(tmp, 'decoy');
    fs.writeFileSync(decoy, 'root only\n', { mode: 0o600 });
    const failures: string[] = [];
    const log = createOperationLog(path.join(tmp, 'logs'), (sentence) => failures.push(sentence));
    log.note('first');
    fs.renameSync(log.file, `${log.file}.moved`);
    fs.symlinkSync(decoy, log.file);
    log.note('second');
    log.note('third');
    log.close();
    expect(fs.readFileSync(decoy, 'utf8')).toBe('root only\n');
    expect(failures).toEqual([`cannot write the log file "${log.file}": a symbolic link is at the log file's place, not a regular file; the log of this run is incomplete`]);
    expect(log.failure).toBe(failures[0]);
  });

  it('a FIFO swapped in mid-run, read or not, is neither waited on nor written', () => {
    const failures: string[] = [];
    const log = createOperationLog(path.join(tmp, 'logs'), (sentence) => failures.push(sentence));
    fs.rmSync(log.file);
    execFileSync('mkfifo', [log.file]);
    // Nobody reads it: an open for writing without O_NONBLOCK would wait here for ever.
    log.note('unread');
    log.close();
    expect(failures).toEqual([`cannot write the log file "${log.file}": a FIFO is at the log file's place, not a regular file; the log of this run is incomplete`]);
    // Someone reads it: the open succeeds, and fstat tells it is no regular file, so nothing is written.
    const reader = fs.openSync(log.file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      expect(() => appendToLog(log.file, 'read\n', 1 << 20)).toThrow(NotARegularLogFile);
      expect(fs.readSync(reader, Buffer.alloc(64))).toBe(0);
    } finally {
      fs.closeSync(reader);
    }
  });

  it('prepareLogFile refuses a symlink, a FIFO or a folder at the log\'s name in one sentence, touching none', () => {
    const decoy = path.join(tmp, 'decoy');
    fs.writeFileSync(decoy, 'keep');
    const plants: Array<[string, (file: string) => void]> = [
      ['a symbolic link', (file) => fs.symlinkSync(decoy, file)],
      ['a symbolic link', (file) => fs.symlinkSync(path.join(tmp, 'dangling'), file)],
      ['a FIFO', (file) => execFileSync('mkfifo', [file])],
      ['a folder', (file) => fs.mkdirSync(file)],
    ];
    plants.forEach(([found, plant], i) => {
      const dir = path.join(tmp, `logs${i}`);
      fs.mkdirSync(dir);
      const file = path.join(dir, LOG_FILE_NAME);
      plant(file);
      expect(() => prepareLogFile(dir)).toThrow(new ConfigError(`The log file "${file}" is ${found}, not a regular file: refusing to write the log there.`));
    });
    expect(fs.readFileSync(decoy, 'utf8')).toBe('keep');
    expect(fs.existsSync(path.join(tmp, 'dangling'))).toBe(false);
  });
});

describe('log rotation', () => {
  it('moves a log that would pass the limit to folder-sync.old.log and starts a new one', () => {
    const file = path.join(tmp, LOG_FILE_NAME);
    appendToLog(file, 'a'.repeat(60) + '\n', 100);
    appendToLog(file, 'b'.repeat(60) + '\n', 100);
    expect(rotatedName(file)).toBe(path.join(tmp, 'folder-sync.old.log'));
    expect(fs.readFileSync(rotatedName(file), 'utf8')).toBe('a'.repeat(60) + '\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('b'.repeat(60) + '\n');
  });

  it('where the old name cannot be taken (a folder is there), crops the log in place to its end', () => {
    const file = path.join(tmp, LOG_FILE_NAME);
    fs.mkdirSync(rotatedName(file));
    fs.writeFileSync(path.join(rotatedName(file), 'inside'), 'keep');
    appendToLog(file, `${'x'.repeat(300_000)}end\n`, 300_005);
    appendToLog(file, 'next\n', 300_005);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.startsWith('[log cropped]\n')).toBe(true);
    expect(text.endsWith('end\nnext\n')).toBe(true);
    expect(text.length).toBeLessThan(300_000);
    expect(fs.readFileSync(path.join(rotatedName(file), 'inside'), 'utf8')).toBe('keep');
  });
});

describe('log text', () => {
  it('escapes every control character and the line separators', () => {
    expect(escapeControls('a\r\n\t\u0000\u001b\u007f\u0085\u2028z')).toBe('a\\r\\n\\t\\x00\\x1b\\x7f\\x85\\u2028z');
    // Each character alone, the fast path's test included: exactly these change, every other stays as it is.
    for (let code = 0; code < 0x2100; code += 1) {
      const ch = String.fromCharCode(code);
      const changes = code < 0x20 || (code >= 0x7f && code <= 0x9f) || ch === '\\' || code === 0x2028 || code === 0x2029;
      expect(escapeControls(`ab${ch}`) !== `ab${ch}`, `U+${code.toString(16)}`).toBe(changes);
    }
  });

  it('summarises a run on one line, with the unrepresentable count only when there are some', () => {
    expect(summaryLine(summary)).toBe('summary done in 1.5 s: 2 copied, 1 updated, 1 moved, 3 deleted, 3.0 MiB, 0 errors');
    expect(summaryLine({ ...summary, unrepresentable: 4, errors: 1, status: 'partial' })).toMatch(/1 error, not representable on the replica: 4$/);
    expect(
      summaryLine({ ...summary, status: 'refused', refusal: { reason: 'max-delete', message: 'too many' } }),
    ).toBe('summary refused (max-delete) after 1.5 s: nothing changed');
  });
});
