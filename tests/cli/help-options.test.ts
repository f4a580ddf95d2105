import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../main/cli/args.js';
import { OPTIONS_TEXT } from '../../main/cli/help-text.js';
import { parseHelpOptions } from '../../main/cli/help-options.js';

describe('the help text', () => {
  const parsed = parseHelpOptions(OPTIONS_TEXT);

  it('documents every option the parser takes, and no other', () => {
    const documented = parsed.flatMap((o) => o.forms).filter((f) => f.startsWith('--')).sort();
    expect(documented).toEqual(Object.keys(OPTIONS).map((name) => `--${name}`).sort());
    for (const [name, spec] of Object.entries(OPTIONS)) {
      const short = (spec as { short?: string }).short;
      const option = parsed.find((o) => o.forms.includes(`--${name}`))!;
      if (short !== undefined) expect(option.forms, name).toContain(`-${short}`);
      expect(option.argument !== undefined, name).toBe(spec.type === 'string');
    }
  });

  it('reads meanings across lines and aliases out of them', () => {
    expect(parsed.find((o) => o.forms.includes('--source'))).toEqual({
      forms: ['-s', '--source', '--source-dir'],
      argument: 'DIR',
      text: 'folder to mirror (must exist)',
      flags: '-s, --source DIR',
    });
    expect(parsed.find((o) => o.forms.includes('--modify-window'))?.text).toBe('extra tolerance when comparing mtimes (as rsync)');
    expect(parsed.find((o) => o.forms.includes('--cross-file-systems'))?.text).toBe('descend into file systems mounted inside the source');
    expect(parsed.find((o) => o.forms.includes('--max-delete'))?.text).toMatch(/nothing is changed\. Unlike rsync's, which deletes N and stops\.$/);
  });
});
