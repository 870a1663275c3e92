// Browser-mode test run (Debian chromium, headless) for @glyphlm/glyph-embeddings: src/**/*.browser.test.ts.
// The font files are fetched through vite (`?url` imports); harfbuzzjs loads its wasm via import.meta.url, so it
// is kept out of dependency pre-bundling.
import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

export default defineConfig({
  // umap-js (CommonJS, imported lazily by map2d) is pre-bundled up front so vite does not reload mid-run.
  optimizeDeps: { exclude: ['harfbuzzjs'], include: ['umap-js'] },
  test: {
    include: ['src/**/*.browser.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      instances: [{ browser: 'chromium' }],
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
        },
      }),
    },
  },
});
