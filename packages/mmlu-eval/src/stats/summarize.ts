// summarizeAccuracy: per-item results -> micro, macro, per subject, the four MMLU categories, each with n and a
// CI95 (Wilson over items; for the sampled paper protocol with runs > 1, the author's mean ± 1.96·σ/√runs across
// runs, plus an item-sampling interval), the invalid-output rate and the chance line.
import { MMLU_CATEGORIES, mmluCategory } from '../data/subjects.js';
import type { Accuracy, ItemResult, SubjectAccuracy } from '../protocols/types.js';
import { acrossRuns } from './runs.js';
import { wilsonInterval, Z95 } from './wilson.js';

export interface SummarizeOptions {
  /** Subjects in report order; items of other subjects are an error. Default: subjects in order of first item. */
  subjects?: readonly string[];
  /** Repeated sampled runs (paper protocol): each item's `preds` holds one prediction per run. Default 1. */
  runs?: number;
}

/** Tallies of one group of items: correct per run, invalid outputs over all runs. */
interface Tally {
  n: number;
  correctPerRun: number[];
  invalid: number;
  /** Sum over items of (share of runs correct)^2, for the item-sampling variance. */
  sumSq: number;
}

function newTally(runs: number): Tally {
  return { n: 0, correctPerRun: new Array<number>(runs).fill(0), invalid: 0, sumSq: 0 };
}

function predictionsOf(item: ItemResult, runs: number, position: number): number[] {
  if (runs === 1) return [item.pred];
  if (!Array.isArray(item.preds) || item.preds.length !== runs) {
    throw new RangeError(`summarizeAccuracy: item ${position} (${item.subject} #${item.index}) needs preds with ${runs} entries (one per run), got ${item.preds?.length ?? 'none'}`);
  }
  return item.preds;
}

function summarizeTally(t: Tally, runs: number): SubjectAccuracy & { runAccs: number[]; runsStd: number; ci95Items: [number, number] } {
  const runAccs = t.correctPerRun.map((c) => c / t.n);
  const totalCorrect = t.correctPerRun.reduce((a, b) => a + b, 0);
  const acc = totalCorrect / (t.n * runs);
  const invalidRate = t.invalid / (t.n * runs);
  if (runs === 1) {
    const ci95 = wilsonInterval(totalCorrect, t.n);
    return { acc, n: t.n, ci95, invalidRate, runAccs, runsStd: 0, ci95Items: ci95 };
  }
  const r = acrossRuns(runAccs);
  // item-sampling: the mean over items of p_i (share of runs item i was right), normal interval
  const varItems = t.n > 1 ? Math.max(0, (t.sumSq - t.n * acc * acc) / (t.n - 1)) : 0;
  const half = Z95 * Math.sqrt(varItems / t.n);
  return { acc, n: t.n, ci95: r.ci95, invalidRate, runAccs, runsStd: r.std, ci95Items: [Math.max(0, acc - half), Math.min(1, acc + half)] };
}

/** Summarises per-item results (see Accuracy in protocols/types.ts for each field's meaning). */
export function summarizeAccuracy(items: readonly ItemResult[], opts: SummarizeOptions = {}): Accuracy {
  const runs = opts.runs ?? 1;
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`summarizeAccuracy: runs must be a positive integer, got ${runs}`);
  if (items.length === 0) throw new RangeError('summarizeAccuracy: no items');
  const order = opts.subjects ? [...opts.subjects] : [...new Set(items.map((it) => it.subject))];
  const allowed = new Set(order);
  const bySubject = new Map<string, Tally>();
  const byCategory = new Map<string, Tally>();
  const total = newTally(runs);
  let chanceSum = 0;
  let normCorrect = 0;
  let normCount = 0;

  items.forEach((item, position) => {
    if (!allowed.has(item.subject)) throw new RangeError(`summarizeAccuracy: item ${position} has subject '${item.subject}', not in options.subjects`);
    const preds = predictionsOf(item, runs, position);
    const k = item.nChoices ?? item.logliks?.length ?? 4;
    chanceSum += 1 / k;
    const cat = mmluCategory(item.subject);
    const tallies = [total, getOr(bySubject, item.subject, runs), ...(cat ? [getOr(byCategory, cat, runs)] : [])];
    let right = 0;
    for (const t of tallies) t.n++;
    preds.forEach((p, r) => {
      const ok = p === item.gold ? 1 : 0;
      right += ok;
      for (const t of tallies) {
        t.correctPerRun[r] += ok;
        if (p < 0) t.invalid++;
      }
    });
    const share = right / runs;
    for (const t of tallies) t.sumSq += share * share;
    if (item.predNorm !== undefined) {
      normCount++;
      if (item.predNorm === item.gold) normCorrect++;
    }
  });

  const perSubject: Record<string, SubjectAccuracy> = {};
  for (const s of order) {
    const t = bySubject.get(s);
    if (t) perSubject[s] = strip(summarizeTally(t, runs));
  }
  const categories: Record<string, SubjectAccuracy> = {};
  for (const c of MMLU_CATEGORIES) {
    const t = byCategory.get(c);
    if (t) categories[c] = strip(summarizeTally(t, runs));
  }
  const subjectAccs = Object.values(perSubject).map((s) => s.acc);
  const overall = summarizeTally(total, runs);
  const out: Accuracy = {
    micro: overall.acc,
    macro: subjectAccs.reduce((a, b) => a + b, 0) / subjectAccs.length,
    perSubject,
    categories,
    ci95: overall.ci95,
    invalidRate: overall.invalidRate ?? 0,
    chance: chanceSum / items.length,
    n: items.length,
  };
  if (runs > 1) {
    out.runs = overall.runAccs;
    out.runsStd = overall.runsStd;
    out.ci95Items = overall.ci95Items;
  }
  if (normCount > 0) {
    if (normCount !== items.length) throw new RangeError(`summarizeAccuracy: predNorm is set on ${normCount} of ${items.length} items (all or none)`);
    out.microNorm = normCorrect / normCount;
    out.ci95Norm = wilsonInterval(normCorrect, normCount);
  }
  return out;
}

function getOr(m: Map<string, Tally>, key: string, runs: number): Tally {
  let t = m.get(key);
  if (!t) m.set(key, (t = newTally(runs)));
  return t;
}

function strip(s: SubjectAccuracy): SubjectAccuracy {
  return { acc: s.acc, n: s.n, ci95: s.ci95, invalidRate: s.invalidRate };
}
