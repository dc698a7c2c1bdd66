import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql-js, as under Node: Vite would pick its ESM build ("module") for our imports
    // while the Apollo packages require() the CommonJS one, and schema objects built by one
    // fail the other's instanceof checks (isObjectType, getNamedType).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
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
