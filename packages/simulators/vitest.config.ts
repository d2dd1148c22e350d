import { defineConfig } from 'vitest/config';

// `npm test -w packages/simulators` runs the package's own tests; the repository's `npm test`
// runs them too, from the root configuration.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
