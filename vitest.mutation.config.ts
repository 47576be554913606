import { defineConfig } from 'vitest/config';

// The Vitest run Stryker drives for one package (scripts/mutation.ts sets MUTATION_TESTS): only that
// package's own tests, so its score says how well its own suite catches a wrong line.
export default defineConfig({
  test: {
    include: (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
