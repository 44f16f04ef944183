/**
 * Test tiers (CONTRIBUTING.md#test-tiers), one vitest project each:
 * - unit: pure code, milliseconds, no services;
 * - contract: the API client against the sandbox or recorded pages, no database;
 * - integration (+ e2e): real Postgres and Redis. Their global setup starts the services ONCE
 *   (env -> Docker -> local binaries, src/services), migrates a template database, and every
 *   test file gets its own clone of it as process.env.DATABASE_URL (test/helpers/setup-env.ts).
 * Run one tier with `npx vitest run --project unit`.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'contract', include: ['test/contract/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/helpers/setup-env.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
