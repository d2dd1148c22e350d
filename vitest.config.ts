import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'packages/*/**/*.test.ts', 'test/**/*.test.ts'],
    // Integration tests start real servers on loopback; keep a generous but bounded timeout.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // node:sqlite is stable enough for us and its "experimental" notice only clutters test output.
    execArgv: ['--disable-warning=ExperimentalWarning'],
  },
});
