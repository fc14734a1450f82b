import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Removes the temporary directories each test file made (test/helpers/temp.ts).
    setupFiles: ['test/helpers/cleanup.ts'],
    // Integration tests each start their own VictoriaMetrics; two cores, so keep it modest.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
