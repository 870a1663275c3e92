// The ParallelProvider contract: the heavy build steps (scatter, projection, eigen-decomposition) that a host can
// run elsewhere. buildEmbeddings() calls it; the Node adapter (node/parallel.ts) implements it on worker threads.
// A file of its own so the implementation does not import build.ts (which loads the adapter on demand).
import type { SymmetricEigen } from './pca/eigen.js';
import type { PcaModel } from './pca/model.js';
import type { RowMatrix } from './recipes/registry.js';

/** Heavy steps a host can run elsewhere (the Node adapter provides worker-thread versions). */
export interface ParallelProvider {
  scatter?(m: RowMatrix): Promise<{ sums: Float64Array; gram: Float64Array }>;
  project?(m: RowMatrix, model: PcaModel, out: Float32Array, onProgress?: (done: number) => void): Promise<boolean>;
  /** Eigen-decomposition of the covariance (same results as symmetricEigen), or undefined to decline. */
  eigen?(cov: Float64Array, n: number): Promise<SymmetricEigen | undefined>;
}
