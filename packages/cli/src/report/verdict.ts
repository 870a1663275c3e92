// The plain-language verdict of an experiment report. Every sentence is derived from an interval: a difference is
// called resolved only when its 95 % CI excludes 0, one seed never supports a claim, and an MMLU accuracy whose
// CI contains the chance line is said to be indistinguishable from guessing.
import type { ExperimentReport, Interval, PairedReport } from './types.js';
import { PROTOCOL_LABELS } from '../experiment/mmlu.js';

const f3 = (x: number): string => x.toFixed(3);
const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

function ci(iv: Interval): string {
  return iv.ci95 ? `95 % CI [${f3(iv.ci95[0])}, ${f3(iv.ci95[1])}]` : 'no CI';
}

/** 'lower' / 'higher' / null (not resolved) for a paired difference a - b. */
export function resolvedDirection(d: Interval): 'lower' | 'higher' | null {
  if (!d.ci95 || d.n < 2) return null;
  if (d.ci95[1] < 0) return 'lower';
  if (d.ci95[0] > 0) return 'higher';
  return null;
}

function lossSentence(p: PairedReport, label: (arm: string) => string): string {
  const dir = resolvedDirection(p.diff);
  const what = `Validation loss, ${label(p.a)} minus ${label(p.b)}: ${f3(p.diff.mean)} nats (${ci(p.diff)}, ${p.diff.n} paired seed${p.diff.n === 1 ? '' : 's'})`;
  if (p.diff.n < 2 || !p.diff.ci95) return `${what}. One seed gives no interval, so no claim is made.`;
  if (dir === null) return `${what}. The interval contains 0: this run does not resolve a difference.`;
  return `${what}. Resolved: ${label(p.a)} ends ${dir} than ${label(p.b)} at this budget.`;
}

/** The verdict sentences. */
export function verdict(r: Omit<ExperimentReport, 'verdict'>): string[] {
  const label = (name: string): string => r.arms.find((a) => a.name === name)?.label ?? name;
  const out: string[] = [];
  const tokens = r.setup.tokensPerRun.toLocaleString('en-US');
  const perArm = r.arms.map((a) => a.seeds.length);
  const seedText = perArm.every((n) => n === perArm[0])
    ? `${perArm[0]} seed${perArm[0] === 1 ? '' : 's'} per arm`
    : `seeds per arm: ${r.arms.map((a) => `${a.label} ${a.seeds.length}`).join(', ')}`;
  out.push(`Each run saw ${tokens} training tokens (${seedText}; same data order for every arm of a seed).`);
  for (const p of r.comparisons.valLoss) out.push(lossSentence(p, label));
  for (const key of Object.keys(PROTOCOL_LABELS) as Array<keyof typeof PROTOCOL_LABELS>) {
    const rows = r.arms.flatMap((a) => { const m = a.mmlu[key]; return m ? [{ a, m }] : []; });
    if (rows.length === 0) continue;
    const chance = 0.25;
    const above = rows.filter((x) => x.m.ci95 && x.m.ci95[0] > chance);
    const below = rows.filter((x) => x.m.ci95 && x.m.ci95[1] < chance);
    const invalid = Math.max(...rows.map((x) => x.m.invalidRate));
    let s = `MMLU ${key} (${r.setup.mmlu.items} items): `;
    if (above.length === 0 && below.length === 0) s += 'every arm is within its CI of the 25 % chance line: no arm is distinguishable from guessing.';
    else {
      const parts: string[] = [];
      if (above.length) parts.push(`above chance: ${above.map((x) => `${label(x.a.name)} ${pct(x.m.mean)}`).join(', ')}`);
      if (below.length) parts.push(`below chance: ${below.map((x) => `${label(x.a.name)} ${pct(x.m.mean)}`).join(', ')}`);
      s += parts.join('; ') + '.';
    }
    if (key.startsWith('paper') && invalid > 0) s += ` Up to ${pct(invalid)} of answers were not a letter A-D (invalid format), which the protocol scores as wrong.`;
    out.push(s);
  }
  const mm = r.comparisons.mmlu.filter((c) => c.ci95[0] > 0 || c.ci95[1] < 0);
  if (r.comparisons.mmlu.length > 0) {
    out.push(mm.length === 0
      ? 'No paired MMLU difference between arms has a 95 % CI excluding 0.'
      : `Paired MMLU differences with a CI excluding 0: ${mm.map((c) => `${c.protocol} ${label(c.a)} − ${label(c.b)} ${pct(c.diff)} [${pct(c.ci95[0])}, ${pct(c.ci95[1])}]`).join('; ')}.`);
  }
  if (r.preset === 'tiny') out.push('This is the tiny smoke-test preset: its figures test the pipeline, not the hypothesis.');
  return out;
}
