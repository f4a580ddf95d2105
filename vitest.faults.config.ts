import { defineConfig } from 'vitest/config';

// The heavy fault and stress suite (issue 5): `npm run test:faults`. One file at a time: the cases time
// real runs, kill processes, mount small file systems and must not compete with each other for the disk.
export default defineConfig({
  test: {
    include: ['tests/faults/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
