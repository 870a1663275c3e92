// Vitest settings for the tokenizer package: generous timeouts (CI machines have 2 shared cores) and one test file
// at a time, so that the timing test (src/speed.test.ts) does not share the CPU with other test files.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { testTimeout: 120_000, include: ['src/**/*.test.ts'], fileParallelism: false } });
