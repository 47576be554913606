import { defineConfig } from 'vitest/config';

// The Vitest run Stryker drives for one package (scripts/mutation.ts sets MUTATION_TESTS): only that
// package's own tests, so its score says how well its own suite catches a wrong line.
export default defineConfig({
  test: {
    include: (process.env.MUTATION_TESTS ?? '').split(',').filter(Boolean),
    // Timing assertions (hostile-input linearity) measure instrumented code under Stryker and
    // flake; a mutant that makes a scanner super-linear is caught by Stryker's own timeout instead.
    exclude: (process.env.MUTATION_EXCLUDE ?? '').split(',').filter(Boolean),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
