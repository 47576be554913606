import { defineConfig } from 'vitest/config';

// One Vitest run over every package: `pnpm test:unit` prints a single summary.
export default defineConfig({
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
      'scripts/test/**/*.test.ts',
    ],
    // Real parts (dynalite, MariaDB, UDP, child processes) are slower than mocks on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
