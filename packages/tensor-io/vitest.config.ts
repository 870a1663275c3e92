// Node test run for @glyphlm/tensor-io. Property tests loop over hundreds of seeded inputs: a generous timeout keeps
// them from failing on a busy 2-core machine (they take ~1-2 s when it is quiet).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
