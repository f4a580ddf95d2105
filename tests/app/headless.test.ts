/** Which launches are the headless CLI, and how quit requests reach it. */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { headlessArgs, headlessQuitSignals } from '../../main/app/headless.js';

describe('headlessArgs', () => {
  it('takes any of the CLI flags, long, short or with =, as headless', () => {
    expect(headlessArgs(['--source', '/a', '--replica', '/b', '--interval', '1h', '--log-dir', '/l'])).toEqual(['--source', '/a', '--replica', '/b', '--interval', '1h', '--log-dir', '/l']);
    expect(headlessArgs(['-s', '/a', '-r', '/b'])).not.toBeNull();
    expect(headlessArgs(['--source-dir=/a', '--replica-dir=/b'])).not.toBeNull();
    expect(headlessArgs(['-i1h'])).not.toBeNull();
  });

  it('takes --help, --version and every other option as the command line, so the packaged executable answers them', () => {
    for (const args of [['--help'], ['-h'], ['--version'], ['-V'], ['-n', '-s', '/a', '-r', '/b'], ['--json'], ['--no-such-option']]) {
      expect(headlessArgs(args), args.join(' ')).toEqual(args);
    }
    expect(headlessArgs(['--no-sandbox', '--help'])).toEqual(['--help']);
  });

  it('is the tray app without them, and drops Chromium switches a launcher adds', () => {
    expect(headlessArgs([])).toBeNull();
    expect(headlessArgs(['--no-sandbox'])).toBeNull();
    // A launcher's %U with files dropped on it: no option, so still the tray.
    expect(headlessArgs(['/home/me/file.txt'])).toBeNull();
    expect(headlessArgs(['--no-sandbox', '--ozone-platform=wayland', '-s', '/a', '--dry-run'])).toEqual(['-s', '/a', '--dry-run']);
  });
});

describe('headlessQuitSignals', () => {
  it('passes signals and before-quit to the CLI, counting a request seen twice at once only once', () => {
    const proc = new EventEmitter();
    let beforeQuit = (): void => {};
    const signals = headlessQuitSignals(proc, (request) => (beforeQuit = request), 60_000);
    const heard: string[] = [];
    signals.on('SIGTERM', () => heard.push('TERM'));
    signals.on('SIGINT', () => heard.push('INT'));
    proc.emit('SIGTERM');
    beforeQuit(); // Electron's own handler saw the same signal
    expect(heard).toEqual(['TERM']);

    const fresh = headlessQuitSignals(proc, () => {}, 0);
    const again: string[] = [];
    fresh.on('SIGINT', () => again.push('INT'));
    proc.emit('SIGINT');
    proc.emit('SIGINT');
    expect(again).toEqual(['INT', 'INT']); // a real second Ctrl-C still counts (it aborts the run)

    const hup = headlessQuitSignals(proc, () => {}, 0);
    const hung: string[] = [];
    hup.on('SIGHUP', () => hung.push('HUP'));
    proc.emit('SIGHUP');
    expect(hung).toEqual(['HUP']);
  });
});
