// Tells the tfjs wasm backend bundled in @glyphlm/transformer-core where vite serves its three .wasm files
// (`?url` imports give hashed asset URLs in the build and /node_modules paths in dev). Imported first by the page
// and by the training worker, before any backend starts.
import { setWasmPaths } from '@glyphlm/transformer-core';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

// absolute URLs: a worker resolves relative ones against its own script, not the page
const abs = (u: string) => new URL(u, self.location.href).href;
setWasmPaths({
  'tfjs-backend-wasm.wasm': abs(wasmPlain),
  'tfjs-backend-wasm-simd.wasm': abs(wasmSimd),
  'tfjs-backend-wasm-threaded-simd.wasm': abs(wasmThreaded),
});
