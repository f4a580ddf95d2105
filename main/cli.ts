#!/usr/bin/env node
/** The `folder-sync` command: the headless front end on plain Node. */
import { quickAnswer } from './cli/quick-answer.js';
import { scanAhead } from './cli/scan-ahead.js';

const argv = process.argv.slice(2);
// The scans start first; the rest of the command line loads meanwhile (scan-ahead.ts).
const ahead = scanAhead(argv);
// No scans: perhaps --version or --help, answered without loading the rest (the bundle's run-cli chunk).
const answer = ahead === undefined ? quickAnswer(argv) : undefined;
if (answer !== undefined) {
  process.stdout.write(answer);
} else {
  const { runCli } = await import('./cli/run-cli.js');
  runCli(argv, undefined, ahead).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // Only a bug gets here (user mistakes are exit code 2 with a sentence), so the stack is worth showing.
      process.stderr.write(`folder-sync: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
