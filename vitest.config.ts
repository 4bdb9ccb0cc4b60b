import { defineConfig } from 'vitest/config';

const source = { resolve: { conditions: ['source'] }, ssr: { resolve: { conditions: ['source'] } } };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { ...source, test: { name: 'asl', include: ['packages/asl/src/**/*.test.ts'] } },
      { ...source, test: { name: 'events', include: ['packages/events/src/**/*.test.ts'] } },
      {
        ...source,
        test: {
          name: 'dbplane',
          include: ['packages/dbplane/src/**/*.test.ts'],
          globalSetup: ['packages/dbplane/src/test-support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
