// Browser-mode test run (Debian chromium, headless, SwiftShader WebGPU) for @glyphlm/trainer: src/**/*.browser.test.ts.
// Without a chromium binary the run is skipped with a warning, except under CI=true, where it fails.
import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromium);
if (!haveChromium) {
  const msg = `vitest.browser.config: no chromium at ${chromium} (set CHROMIUM_PATH or apt-get install chromium)`;
  if (process.env.CI === 'true') throw new Error(msg);
  console.warn(`${msg}; browser tests skipped`);
}

export default defineConfig({
  // dependencies pre-bundled up front, so vite does not re-bundle (and reload) in the middle of a run
  optimizeDeps: { include: ['@stdlib/stats-base-dists-t-quantile', 'd3-scale', 'd3-shape'] },
  cacheDir: 'node_modules/.vite-browser',
  test: {
    include: haveChromium ? ['src/**/*.browser.test.ts'] : [],
    passWithNoTests: !haveChromium,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    browser: {
      enabled: haveChromium,
      headless: true,
      screenshotFailures: false,
      instances: [{ browser: 'chromium' }],
      provider: playwright({
        launchOptions: {
          executablePath: chromium,
          args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
        },
      }),
    },
  },
});
