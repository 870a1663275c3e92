// Across-runs summary as the paper's author reports repeated sampled runs: mean, population σ (ddof 0, numpy's
// default) and the half-width 1.96·σ/√runs.

export interface RunsSummary {
  mean: number;
  /** Population standard deviation (ddof 0). */
  std: number;
  /** Half-width of the author's CI95: 1.96·σ/√runs. */
  half: number;
  /** [mean - half, mean + half] clipped to [0, 1]. */
  ci95: [number, number];
}

/** Summarises per-run accuracies the author's way. */
export function acrossRuns(values: readonly number[]): RunsSummary {
  if (values.length === 0) throw new RangeError('acrossRuns: no runs');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length;
  const std = Math.sqrt(variance);
  const half = (1.96 * std) / Math.sqrt(values.length);
  return { mean, std, half, ci95: [Math.max(0, mean - half), Math.min(1, mean + half)] };
}
