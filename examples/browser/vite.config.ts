// Vite config of the browser example: a static build (`vite build` -> dist/), and dev/preview servers that also
// serve checkpoints from the repository's runs/ folder (or $GLYPHLM_RUNS) under /runs/.
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { runsMiddleware } from './server/runs.mjs';

const runsDir = process.env.GLYPHLM_RUNS ?? resolve(import.meta.dirname, '../../runs');

function serveRuns(): Plugin {
  return {
    name: 'glyphlm-runs',
    configureServer: (server) => { server.middlewares.use(runsMiddleware(runsDir)); },
    configurePreviewServer: (server) => { server.middlewares.use(runsMiddleware(runsDir)); },
  };
}

export default defineConfig({
  base: './',
  plugins: [serveRuns()],
  // harfbuzzjs finds its wasm through import.meta.url: keep it out of dev pre-bundling
  optimizeDeps: { exclude: ['harfbuzzjs'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
});
