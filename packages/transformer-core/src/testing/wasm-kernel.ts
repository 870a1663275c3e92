// Test support for the wasm kernels' tests (src/wasm/*.test.ts): the wasm backend with this package's kernels
// registered, and a check that the kernel under test runs there (so a test never passes on the path it replaces).
import { beforeAll, expect } from 'vitest';
import { tf } from '../tf.js';
import '../wasm/register.js';
import { hasFastKernel } from '../fast-paths.js';

/** In a describe block: the wasm backend before its tests, with `kernel` (a fast-kernels.ts name) usable. */
export function onWasmWithKernel(kernel: string): void {
  tf.env().set('IS_TEST', false);
  beforeAll(async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    expect(hasFastKernel(kernel)).toBe(true);
  });
}
