import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['server/testing/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['contracts/**/*.test.ts', 'server/**/*.test.ts', 'plugins/**/*.test.ts', 'migrations/**/*.test.ts', 'examples/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          // Browser tests run one after another in each test process, sharing its imported modules
          // and its Chromium (e2e/browser.ts browserForFile); each file still starts its own app.
          isolate: false,
          // They mostly wait (for pages, timers, 5-s request windows), so two run at once even on
          // two cores (the default there is one worker); after the unit tests, not beside them.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
