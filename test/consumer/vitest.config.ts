import { defineConfig } from 'vitest/config';

// `pnpm test:consumer`: the packed packages in a project outside the workspace (test/consumer).
export default defineConfig({
  test: {
    include: ['test/consumer/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 600_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
