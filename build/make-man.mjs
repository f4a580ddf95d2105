#!/usr/bin/env node
/**
 * Writes dist/man/folder-sync.1 from the text of `folder-sync --help` (main/cli/help-text.ts, as tsc built it into
 * dist/main/), so the man page says what the command says. Run by `npm run build`; check with `man -l`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const help = await import(path.join(root, 'dist/main/cli/help-text.js'));
const { parseHelpOptions } = await import(path.join(root, 'dist/main/cli/help-options.js'));
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Text as roff: backslashes and hyphens escaped, a line never starting with a control character. */
function roff(text) {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

/** Paragraphs of a help section: blank lines part them; lines of one paragraph are joined. */
function paragraphs(text) {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((p) => p.split('\n').map((l) => l.trim()).join(' '));
}

function section(title, body) {
  return `.SH ${title}\n${body}\n`;
}

const options = parseHelpOptions(help.OPTIONS_TEXT)
  .map((o) => `.TP\n.B ${roff(o.flags)}\n${roff(o.text)}${o.forms.length > o.flags.split(',').length ? `\n(alias: ${roff(o.forms.at(-1))})` : ''}`)
  .join('\n');
const exitLines = help.EXIT_CODES_TEXT.trim().split('\n').slice(1);
const codes = exitLines.filter((l) => /^\s+\d+\s/.test(l)).map((l) => {
  const [, code, text] = /^\s+(\d+)\s+(.*)$/.exec(l);
  return `.TP\n.B ${code}\n${roff(text)}`;
});
const codesAfter = exitLines.filter((l) => !/^\s+\d+\s/.test(l)).join(' ');

const page = [
  `.TH FOLDER\\-SYNC 1 "" "folder\\-sync ${roff(pkg.version)}" "User Commands"\n`,
  section('NAME', `folder\\-sync \\- ${roff(pkg.description.replace(/\.$/, '').replace(/^Keeps/, 'keep'))}`),
  section('SYNOPSIS', `.B folder\\-sync\n${roff(help.USAGE_LINE.replace(/^folder-sync /, ''))}`),
  section('DESCRIPTION', roff(help.SUMMARY_LINE)),
  section('OPTIONS', options),
  section('EXCLUDES', paragraphs(help.EXCLUDES_TEXT).map(roff).join('\n.PP\n')),
  section('NOTES', paragraphs(help.BEHAVIOUR_TEXT).map(roff).join('\n.PP\n')),
  section('EXIT STATUS', `${codes.join('\n')}\n.PP\n${roff(codesAfter)}`),
  section(
    'FILES',
    roff('.TP\n~/.local/state/folder-sync/logs/folder-sync.log').replace('\\&.TP', '.TP') +
      `\n${roff('the log, unless -l says otherwise ($XDG_STATE_HOME is used where set)')}\n.TP\n${roff('~/.local/state/folder-sync/record-*.rec')}\n${roff('what the last run of each pair left, unless --state-dir says otherwise')}\n.TP\n${roff('SOURCE/.folder-sync-ignore')}\n${roff('gitignore lines for the pair')}`,
  ),
  section('SEE ALSO', '.BR rsync (1),\n.BR gitignore (5)'),
].join('');

const out = path.join(root, 'dist/man/folder-sync.1');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, page);
