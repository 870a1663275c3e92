// The packed-install test (one file; npm install can take a few minutes on a cold cache).
import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['*.test.mjs'], testTimeout: 200_000, hookTimeout: 420_000 } });
