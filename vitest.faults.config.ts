import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const ROOT = path.dirname(fileURLToPath(import.meta.url));

/**
 * The suites that pick their size with tests/helpers/fault-size.ts. They are the same files `npm test` runs at
 * their sample size, so finding them by that import keeps this list from drifting behind a new sized suite.
 */
function sizedSuites(): string[] {
  return fs
    .readdirSync(path.join(ROOT, 'tests'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .filter((file) => fs.readFileSync(path.join(ROOT, 'tests', file), 'utf8').includes("helpers/fault-size.js'"))
    .map((file) => path.posix.join('tests', file.split(path.sep).join('/')))
    .sort();
}

// The fault and stress suites at their heavy size: `npm run test:faults`. One file at a time: the cases time real
// runs, kill processes, mount small file systems and must not compete with each other for the disk.
export default defineConfig({
  test: {
    include: sizedSuites(),
    env: { FOLDER_SYNC_FAULTS: 'heavy' },
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
