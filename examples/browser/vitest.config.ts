// Node-side test run of the browser example: test/*.test.ts build the app, serve it and drive real chromium.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 240_000, fileParallelism: false },
});
