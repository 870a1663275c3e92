// Summary statistics of an experiment over seeds: mean, sample standard deviation, a Student-t 95 % confidence
// interval of the mean, and paired differences between two arms (paired by seed). The t quantile comes from
// @stdlib (an exact inverse of the regularised incomplete beta function), not from a table.
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

/** Mean, sample sd (n - 1) and the t-based 95 % CI of the mean; with n = 1 there is no sd and no CI (null). */
export interface Summary {
  mean: number;
  /** Sample standard deviation (denominator n - 1); null when n < 2. */
  sd: number | null;
  /** [lo, hi] = mean ∓ t(0.975, n - 1) · sd / sqrt(n); null when n < 2 (one seed: no CI). */
  ci95: [number, number] | null;
  n: number;
}

/** Two-sided 95 % critical value of Student's t with `df` degrees of freedom (12.706 at df 1, 1.96 as df → ∞). */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`tCritical95: df must be a positive integer, got ${df}`);
  return tQuantile(0.975, df);
}

/** Summary of a sample; throws on an empty sample or a non-finite value (naming its index). */
export function summarize(values: readonly number[], what = 'values'): Summary {
  const n = values.length;
  if (n === 0) throw new RangeError(`summarize: ${what} is empty`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`summarize: ${what}[${i}] is not a finite number (${v})`);
  });
  const mean = values.reduce((s, v) => s + v, 0) / n;
  if (n < 2) return { mean, sd: null, ci95: null, n };
  const ss = values.reduce((s, v) => s + (v - mean) * (v - mean), 0);
  const sd = Math.sqrt(ss / (n - 1));
  const half = tCritical95(n - 1) * sd / Math.sqrt(n);
  return { mean, sd, ci95: [mean - half, mean + half], n };
}

/** A paired difference `a - b` over the seeds both arms ran. */
export interface PairedDifference extends Summary {
  a: string;
  b: string;
  /** Seeds paired (in order); the differences are `a[seed] - b[seed]`. */
  seeds: number[];
  /** Note for readers, e.g. that one seed gives no CI. */
  note?: string;
}

/**
 * Paired difference of two arms' per-seed values: summarize(a[s] - b[s]) over the seeds present in both. Throws
 * when the two arms share no seed.
 */
export function pairedDifference(a: string, valuesA: ReadonlyMap<number, number>, b: string, valuesB: ReadonlyMap<number, number>): PairedDifference {
  const seeds = [...valuesA.keys()].filter((s) => valuesB.has(s));
  if (seeds.length === 0) throw new RangeError(`pairedDifference: arms '${a}' and '${b}' share no seed`);
  const diffs = seeds.map((s) => valuesA.get(s)! - valuesB.get(s)!);
  const summary = summarize(diffs, `difference ${a} - ${b}`);
  const out: PairedDifference = { a, b, seeds, ...summary };
  if (summary.n < 2) out.note = 'one seed: no standard deviation, no confidence interval';
  return out;
}
