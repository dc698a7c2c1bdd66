import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{gateway,subgraphs,prisma,bench}/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    globalSetup: ['subgraphs/kit/src/testing/globalSetup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only queue behind each other and Postgres.
    maxWorkers: 2,
  },
});
