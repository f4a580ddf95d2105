/**
 * The option lines of the help text, parsed: what the man page and the shell completions are generated from, so
 * that they say what --help says. See help-text.ts for the layout it reads.
 */

export interface HelpOption {
  /** `-s`, `--source`, and any alias the line names: `--source-dir`. */
  readonly forms: readonly string[];
  /** The argument's name (`DIR`, `SPEC`), if the option takes one. */
  readonly argument: string | undefined;
  /** The meaning, its continuation lines joined, the alias note removed. */
  readonly text: string;
  /** The flag column as written: `-s, --source DIR`. */
  readonly flags: string;
}

/** Where the meaning starts (0-based); a longer flag column is followed by two spaces instead. */
const MEANING_COLUMN = 27;

function splitLine(line: string): [string, string] {
  const head = line.slice(0, MEANING_COLUMN);
  if (line.length > MEANING_COLUMN && /\s$/.test(head)) return [head.trim(), line.slice(MEANING_COLUMN).trim()];
  const gap = /\S\s{2,}\S/.exec(line.slice(6));
  if (gap === null) return [line.trim(), ''];
  const at = 6 + gap.index + 1;
  return [line.slice(0, at).trim(), line.slice(at).trim()];
}

export function parseHelpOptions(optionsText: string): HelpOption[] {
  const options: Array<{ flags: string; text: string[] }> = [];
  for (const line of optionsText.split('\n')) {
    if (line.trim() === '') continue;
    if (/^ {2}(-\w, | {4})--/.test(line)) {
      const [flags, text] = splitLine(line);
      options.push({ flags, text: [text] });
    } else if (options.length > 0) {
      options.at(-1)!.text.push(line.trim());
    }
  }
  return options.map(({ flags, text }) => {
    const joined = text.join(' ').replace(/\s+/g, ' ').trim();
    const alias = /\s*\(alias: (--[\w-]+)\)/.exec(joined);
    const forms = [...flags.matchAll(/(?:^|[\s,])(--?[\w-]+)/g)].map((m) => m[1]!);
    const argument = /\s([A-Z][A-Z_|%]*)$/.exec(flags)?.[1];
    return {
      forms: alias === null ? forms : [...forms, alias[1]!],
      argument,
      text: alias === null ? joined : joined.replace(alias[0], '').trim(),
      flags,
    };
  });
}
