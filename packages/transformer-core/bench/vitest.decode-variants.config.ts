// vitest config of the Chromium decode-variants bench (bench/decode-variants.browser-bench.ts): the package's browser
// config (headless Debian chromium, --enable-unsafe-webgpu) with that one file and a long timeout.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import browser from '../vitest.browser.config.js';

export default defineConfig({
  ...browser,
  root: fileURLToPath(new URL('..', import.meta.url)),
  envPrefix: ['VITE_', 'DV_'],
  test: { ...browser.test, include: ['bench/decode-variants.browser-bench.ts'], testTimeout: 1_200_000 },
});
