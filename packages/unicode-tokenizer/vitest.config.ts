// Vitest settings for the tokenizer package: generous timeouts, since CI machines have 2 shared cores.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { testTimeout: 120_000, include: ['src/**/*.test.ts'] } });
