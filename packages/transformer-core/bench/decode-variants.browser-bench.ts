// decode-variants-core.ts in Chromium (headless, SwiftShader WebGPU through --enable-unsafe-webgpu): webgpu, then
// wasm and cpu for reference. Not part of the test run; run it with
//   npx vitest run -c bench/vitest.decode-variants.config.ts
// (env DV_LAYERS, DV_PROMPT, DV_STEPS, DV_ROUNDS as for decode-variants.mjs; defaults 2, 16, 12, 3).
import { it, expect } from 'vitest';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { describeOptions, measureDecodeVariants, type VariantOptions } from './decode-variants-core.js';

setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });

// vite's import.meta.env (DV_* passed through by envPrefix in the config)
const env = (import.meta as unknown as { env: Record<string, string | undefined> }).env;
const opts: VariantOptions = {
  layers: Number(env.DV_LAYERS ?? 2),
  prompt: Number(env.DV_PROMPT ?? 16),
  steps: Number(env.DV_STEPS ?? 12),
  rounds: Number(env.DV_ROUNDS ?? 3),
};

it('decode.ts vs infer.ts at Tn = 1 in chromium', async () => {
  console.log(`# chromium (${navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0]}): ${describeOptions(opts)}`);
  for (const be of ['webgpu', 'wasm', 'cpu'] as const) {
    const r = await measureDecodeVariants(be, opts);
    console.log(r.line);
    expect(r.sameTokens).toBe(true);
    expect(r.maxLogitDiff).toBeLessThan(1e-3);
  }
});
