// Node test run for @glyphlm/trainer (browser-mode tests have their own config).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/*.browser.test.ts', '**/node_modules/**', 'dist/**'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
