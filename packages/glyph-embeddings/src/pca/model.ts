// The fitted-PCA type shared by the plain-JS PCA (pca.ts), the wasm-kernel scatter/projection (fast.ts) and the
// Node worker threads; a file of its own so those modules depend on it rather than on each other.

/** A fitted PCA. */
export interface PcaModel {
  dim: number;
  /** Components kept. */
  k: number;
  /** Column means (length dim). */
  mean: Float64Array;
  /** `k x dim` row-major; row j = unit component j. */
  components: Float64Array;
  /** Variance along each kept component (descending). */
  explainedVariance: Float64Array;
  /** explainedVariance / total variance. */
  explainedVarianceRatio: Float64Array;
  /** Sum of all eigenvalues (= trace of the covariance). */
  totalVariance: number;
  /** Rows the model was fitted on. */
  samples: number;
}
