// From the per-seed runs of every arm to the report's statistics: mean and t-based 95 % CI over seeds (the
// trainer's summarize / pairedDifference), MMLU per protocol (per-seed intervals joined conservatively), and paired
// MMLU differences over (item, seed) pairs with mmlu-eval's compareModels (paired bootstrap, McNemar).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareModels, type EvalResult } from '@glyphlm/mmlu-eval';
import { pairedDifference, summarize } from '@glyphlm/trainer';
import type { ArmReport, Interval, MmluPairedReport, PairedReport, SeedRun } from '../report/types.js';
import { MMLU_PROTOCOLS, type MmluProtocolKey } from './mmlu.js';
import type { ArmName } from './presets.js';

export function interval(values: number[], what: string): Interval {
  const s = summarize(values, what);
  return { mean: s.mean, ci95: s.ci95, n: s.n, sd: s.sd };
}

/** MMLU of one arm and protocol over seeds: mean accuracy; CI = the union of the per-seed 95 % intervals. */
export function mmluInterval(runs: SeedRun[], key: MmluProtocolKey): (Interval & { invalidRate: number }) | undefined {
  const ms = runs.map((r) => r.mmlu[key]).filter((m): m is NonNullable<typeof m> => m !== undefined);
  if (ms.length === 0) return undefined;
  const mean = ms.reduce((s, m) => s + m.micro, 0) / ms.length;
  return {
    mean,
    ci95: [Math.min(...ms.map((m) => m.ci95[0])), Math.max(...ms.map((m) => m.ci95[1]))],
    n: ms.length,
    invalidRate: ms.reduce((s, m) => s + m.invalidRate, 0) / ms.length,
  };
}

export function armStatistics(runs: SeedRun[]): Pick<ArmReport, 'valLoss' | 'valLossByFrequency' | 'mmlu' | 'perplexity'> {
  const valLoss = interval(runs.map((r) => r.finalValLoss), 'final validation loss');
  const freqKeys = [...new Set(runs.flatMap((r) => Object.keys(r.valLossByFrequency ?? {})))];
  const valLossByFrequency: Record<string, Interval> = {};
  for (const k of freqKeys) {
    const v = runs.map((r) => r.valLossByFrequency?.[k]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    if (v.length) valLossByFrequency[k] = interval(v, `loss ${k}`);
  }
  const mmlu: ArmReport['mmlu'] = {};
  for (const k of MMLU_PROTOCOLS) { const m = mmluInterval(runs, k); if (m) mmlu[k] = m; }
  const perplexity = runs[0].perplexity.map((p) => {
    const losses = runs.map((r) => r.perplexity.find((q) => q.key === p.key)?.loss).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    const loss = losses.length ? interval(losses, `held-out loss ${p.key}`) : { mean: NaN, ci95: null, n: 0 };
    return { key: p.key, name: p.name, loss, perplexity: Math.exp(loss.mean) };
  });
  return { valLoss, valLossByFrequency, mmlu, perplexity };
}

/** The pairs the report compares (a - b), when both arms ran. */
export const COMPARISONS: Array<[ArmName, ArmName]> = [
  ['frozen', 'trainable'],
  ['frozen', 'random-binary'],
  ['trainable-from-glyph', 'trainable'],
  ['trainable-from-glyph', 'frozen'],
];

export function pairedValLoss(byArm: Map<string, SeedRun[]>): PairedReport[] {
  const out: PairedReport[] = [];
  for (const [a, b] of COMPARISONS) {
    const ra = byArm.get(a), rb = byArm.get(b);
    if (!ra || !rb) continue;
    const d = pairedDifference(a, new Map(ra.map((r) => [r.seed, r.finalValLoss])), b, new Map(rb.map((r) => [r.seed, r.finalValLoss])));
    out.push({ a, b, diff: { mean: d.mean, ci95: d.ci95, n: d.n, sd: d.sd }, seeds: d.seeds });
  }
  return out;
}

function pooledItems(outDir: string, runs: SeedRun[], key: MmluProtocolKey): { items: EvalResult['items'] } {
  const items: EvalResult['items'] = [];
  for (const r of runs) {
    const res = JSON.parse(readFileSync(join(outDir, r.mmlu[key]!.file), 'utf8')) as EvalResult;
    for (const it of res.items) items.push({ ...it, subject: `${it.subject}#s${r.seed}` });
  }
  return { items };
}

export function pairedMmlu(outDir: string, byArm: Map<string, SeedRun[]>): MmluPairedReport[] {
  const out: MmluPairedReport[] = [];
  for (const key of ['harness', 'paper-greedy'] as MmluProtocolKey[]) {
    for (const [a, b] of COMPARISONS.slice(0, 3)) {
      const ra = byArm.get(a)?.filter((r) => r.mmlu[key]), rb = byArm.get(b)?.filter((r) => r.mmlu[key]);
      if (!ra?.length || !rb?.length) continue;
      const seeds = ra.map((r) => r.seed).filter((s) => rb.some((q) => q.seed === s));
      const c = compareModels(pooledItems(outDir, ra.filter((r) => seeds.includes(r.seed)), key), pooledItems(outDir, rb.filter((r) => seeds.includes(r.seed)), key));
      out.push({ protocol: key, a, b, n: c.n, accA: c.accA, accB: c.accB, diff: c.diff, ci95: c.ci95, mcnemarP: c.mcnemarP });
    }
  }
  return out;
}
