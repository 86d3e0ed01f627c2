import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Browser and multi-process cases wait on real delivery; a loaded machine can stretch them.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // Browser suites start Chromium and servers; two cores are shared by everything.
    maxWorkers: 2,
  },
});
