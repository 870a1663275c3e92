// Test run of the node-train example (one child-process test).
import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['*.test.mjs'], testTimeout: 180_000 } });
