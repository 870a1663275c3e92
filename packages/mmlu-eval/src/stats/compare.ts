// compareModels: two results on the same items, paired by (subject, index). The accuracy difference (A - B) with
// a seeded paired-bootstrap percentile CI95, and McNemar's exact p on the discordant items.
import type { ItemResult } from '../protocols/types.js';
import { bootstrapPairedDiffs } from './bootstrap.js';
import { mcnemarExactP } from './mcnemar.js';

export interface CompareOptions {
  /** Bootstrap resamples (default 10,000). */
  resamples?: number;
  /** Seed of the bootstrap (default 0). */
  seed?: number;
}

export interface Comparison {
  n: number;
  accA: number;
  accB: number;
  /** accA - accB. */
  diff: number;
  /** Paired-bootstrap percentile CI95 of diff. */
  ci95: [number, number];
  /** Items right under A only (b), under B only (c), both, neither. */
  onlyA: number;
  onlyB: number;
  both: number;
  neither: number;
  /** McNemar's exact two-sided p-value. */
  mcnemarP: number;
  resamples: number;
  seed: number;
}

/** Anything with per-item results (an EvalResult or { items }). */
export interface HasItems {
  items: readonly ItemResult[];
}

const keyOf = (it: ItemResult): string => `${it.subject}\u0000${it.index}`;

/**
 * Pairs two results item by item (correct = `pred === gold`; for multi-run paper results that is the first-run
 * `pred`). Throws when the item sets differ, an item repeats, or the gold answers disagree.
 */
export function compareModels(a: HasItems, b: HasItems, opts: CompareOptions = {}): Comparison {
  const resamples = opts.resamples ?? 10_000;
  const seed = opts.seed ?? 0;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`compareModels: resamples must be a positive integer, got ${resamples}`);
  const mapB = new Map<string, ItemResult>();
  for (const it of b.items) {
    const k = keyOf(it);
    if (mapB.has(k)) throw new RangeError(`compareModels: result B has item (${it.subject}, ${it.index}) twice`);
    mapB.set(k, it);
  }
  if (a.items.length !== b.items.length) {
    const missing = a.items.find((it) => !mapB.has(keyOf(it)));
    const extra = missing ? undefined : findExtra(a.items, b.items);
    const which = missing ? `(${missing.subject}, ${missing.index}) is in A but not in B` : extra ? `(${extra.subject}, ${extra.index}) is in B but not in A` : 'items repeat';
    throw new RangeError(`compareModels: the results cover different items (A ${a.items.length}, B ${b.items.length}); ${which}`);
  }
  let onlyA = 0;
  let onlyB = 0;
  let both = 0;
  let neither = 0;
  const seen = new Set<string>();
  for (const ia of a.items) {
    const k = keyOf(ia);
    const ib = mapB.get(k);
    if (!ib) throw new RangeError(`compareModels: the results cover different items; (${ia.subject}, ${ia.index}) is in A but not in B`);
    if (seen.has(k)) throw new RangeError(`compareModels: result A has item (${ia.subject}, ${ia.index}) twice`);
    seen.add(k);
    if (ia.gold !== ib.gold) throw new RangeError(`compareModels: item (${ia.subject}, ${ia.index}) has gold ${ia.gold} in A but ${ib.gold} in B (different data?)`);
    const ra = ia.pred === ia.gold;
    const rb = ib.pred === ib.gold;
    if (ra && rb) both++;
    else if (ra) onlyA++;
    else if (rb) onlyB++;
    else neither++;
  }
  const n = a.items.length;
  if (n === 0) throw new RangeError('compareModels: no items');
  const accA = (both + onlyA) / n;
  const accB = (both + onlyB) / n;
  return {
    n, accA, accB, diff: accA - accB,
    ci95: pairedBootstrapCi(onlyA, onlyB, n, resamples, seed),
    onlyA, onlyB, both, neither,
    mcnemarP: mcnemarExactP(onlyA, onlyB),
    resamples, seed,
  };
}

function findExtra(a: readonly ItemResult[], b: readonly ItemResult[]): ItemResult | undefined {
  const keys = new Set(a.map(keyOf));
  return b.find((it) => !keys.has(keyOf(it)));
}

/** Percentile CI95 of the mean paired difference (see bootstrap.ts for how items are resampled). */
export function pairedBootstrapCi(onlyA: number, onlyB: number, n: number, resamples: number, seed: number): [number, number] {
  const diffs = bootstrapPairedDiffs(onlyA, onlyB, n, resamples, seed).sort();
  return [quantile(diffs, 0.025), quantile(diffs, 0.975)];
}

/** Linear-interpolated quantile of sorted values (numpy's default, type 7). */
export function quantile(sorted: Float64Array | readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
