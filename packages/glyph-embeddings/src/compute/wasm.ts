// Optional tfjs-wasm matrix multiply for large projections (16-20 GFLOP/s SIMD vs ~1 GFLOP/s plain JS). Loaded
// lazily; never uses transpose flags (10-50x slower on wasm). If the wasm backend cannot start (e.g. a browser
// without configured wasm paths), callers fall back to the plain-JS path.

type Tf = typeof import('@tensorflow/tfjs-core');
let tfPromise: Promise<Tf | null> | undefined;
let wasmPaths: string | Record<string, string> | undefined;

/** Where the tfjs-wasm binaries live (browsers; Node finds them itself). Call before the first build. */
export function setWasmPaths(paths: string | Record<string, string>): void {
  wasmPaths = paths;
}

/** The tfjs namespace with the wasm backend ready, or null when it cannot start. */
export function wasmTf(): Promise<Tf | null> {
  if (!tfPromise) {
    tfPromise = (async () => {
      try {
        const tf = (await import('@tensorflow/tfjs-core')) as Tf & { default?: Tf };
        const t = (typeof tf.matMul === 'function' ? tf : tf.default) as Tf;
        const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths?: (p: unknown) => void; default?: { setWasmPaths?: (p: unknown) => void } };
        const swp = wasm.setWasmPaths ?? wasm.default?.setWasmPaths;
        if (wasmPaths && swp) swp(wasmPaths);
        const prev = t.getBackend?.();
        const ok = await t.setBackend('wasm');
        if (!ok) return null;
        await t.ready();
        // Leave the global backend as it was (other packages may rely on it); we pass through tf.engine anyway.
        if (prev && prev !== 'wasm') await t.setBackend(prev);
        return t;
      } catch {
        return null;
      }
    })();
  }
  return tfPromise;
}

/**
 * out[r0..r1) = A x B where A is produced chunk by chunk by `fillA(r, dst)` (one row of length `inner`),
 * B is `inner x cols` float32 row-major. Runs on the wasm backend; returns false if it is unavailable.
 */
export async function wasmProject(
  rows: number, inner: number, cols: number, B: Float32Array,
  fillA: (r: number, dst: Float32Array, offset: number) => void,
  out: Float32Array, onChunk?: (done: number) => void, chunkRows = 4096,
): Promise<boolean> {
  const tf = await wasmTf();
  if (!tf) return false;
  const prev = tf.getBackend();
  if (prev !== 'wasm') await tf.setBackend('wasm');
  try {
    const b = tf.tensor2d(B, [inner, cols], 'float32');
    const a = new Float32Array(chunkRows * inner);
    for (let r0 = 0; r0 < rows; r0 += chunkRows) {
      const n = Math.min(chunkRows, rows - r0);
      for (let i = 0; i < n; i++) fillA(r0 + i, a, i * inner);
      const at = tf.tensor2d(n === chunkRows ? a : a.subarray(0, n * inner), [n, inner], 'float32');
      const c = tf.matMul(at, b);
      out.set(c.dataSync() as Float32Array, r0 * cols);
      at.dispose();
      c.dispose();
      onChunk?.(r0 + n);
    }
    b.dispose();
  } finally {
    if (prev !== 'wasm') await tf.setBackend(prev);
  }
  return true;
}
