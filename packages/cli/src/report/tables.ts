// The report's tables as plain rows (header + cells), shared by report.md and report.html.
import type { ExperimentReport, Interval } from './types.js';
import { MMLU_PROTOCOLS } from '../experiment/mmlu.js';

export interface Table {
  title: string;
  header: string[];
  rows: string[][];
  note?: string;
}

export const f3 = (x: number): string => (Number.isFinite(x) ? x.toFixed(3) : '—');
export const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '—');
export const int = (x: number): string => x.toLocaleString('en-US');

export function ciText(iv: Interval, f: (x: number) => string = f3): string {
  return iv.ci95 ? `${f(iv.mean)} [${f(iv.ci95[0])}, ${f(iv.ci95[1])}]` : `${f(iv.mean)} (n=${iv.n}, no CI)`;
}

export function setupTable(r: ExperimentReport): Table {
  const s = r.setup;
  const m = s.model;
  const rows: string[][] = [
    ['command', `\`${r.command}\``],
    ['preset', r.preset],
    ['model', `${m.nLayer} layers, d ${m.dModel}, ${m.nHead} heads, context ${m.blockSize}, table width ${m.nEmbed}, vocabulary ${int(m.vocabSize)} rows`],
    ['parameters', `${int(s.parameters.total)} total, ${int(s.parameters.nonEmbedding)} outside the input table`],
    ['tokenizer', `${s.tokenizer.name}${s.tokenizer.compact ? ` restricted to the ${int(s.tokenizer.compact.rows)} ids the corpus uses (compact vocabulary: ${s.tokenizer.compact.rule})` : ' (full vocabulary)'}`],
    ['corpus', s.corpus.description],
    ['instruction mix', s.corpus.sft ? `${int(s.corpus.sft.examples)} examples (${int(s.corpus.sft.tokens)} tokens, ratio ${s.corpus.sft.ratio}) from ${s.corpus.sft.source}` : 'none'],
    ['tokens', `train split ${int(s.corpus.trainTokens)}, val split ${int(s.corpus.valTokens)}; each run saw ${int(s.tokensPerRun)} training tokens`],
    ['training', Object.entries(s.training).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : v}`).join(', ')],
    ['arms × seeds', `${s.arms.join(', ')} × seeds ${s.seeds.join(', ')}`],
    ['glyph table', `${s.glyph.recipe}, ${s.glyph.components} PCA components, font ${s.glyph.font}; frozen arm's table after training equals the glyph matrix: ${s.glyph.frozenTableEqualsGlyphMatrix ? 'yes' : 'NO'} (hash ${s.glyph.tableHash})`],
    ['MMLU', `${s.mmlu.source}; ${s.mmlu.split} split, first ${s.mmlu.itemsPerSubject} item${s.mmlu.itemsPerSubject === 1 ? '' : 's'} of ${s.mmlu.subjects} subjects = ${int(s.mmlu.items)} items${s.mmlu.seeds ? `, evaluated on seed${s.mmlu.seeds.length === 1 ? '' : 's'} ${s.mmlu.seeds.join(', ')} of every arm` : ''}; chance 25 %`],
    ['machine', `${s.machine.cpus} × ${s.machine.cpuModel}, ${s.machine.memoryGiB} GiB, Node ${s.machine.node} (${s.machine.platform}), tfjs backend ${s.machine.backend}, ${s.machine.workers} training worker${s.machine.workers === 1 ? '' : 's'}`],
    ...(s.budget ? [['time budget', `${s.budget.minutes} minutes: ${s.budget.calibration.note} (calibration: ${s.budget.calibration.secondsPerStep.toFixed(2)} s per step, ${s.budget.calibration.evalSecondsPerRun.toFixed(0)} s of evaluation per run)`]] : []),
    ['time', `${s.timing.totalSeconds.toFixed(0)} s in all (prepare ${s.timing.prepareSeconds.toFixed(0)} s, train ${s.timing.trainSeconds.toFixed(0)} s, evaluate ${s.timing.evalSeconds.toFixed(0)} s)${s.timing.resumed ? '; resumed after an interruption' : ''}`],
  ];
  return { title: 'Setup', header: ['', ''], rows };
}

export function valLossTable(r: ExperimentReport): Table {
  const rows = r.arms.map((a) => [a.label, a.embedding, int(a.trainableParameters), ciText(a.valLoss), a.seeds.map((s) => `s${s.seed}: ${f3(s.finalValLoss)}`).join(', '), int(a.seeds[0]?.tokensSeen ?? 0)]);
  const n = r.arms[0]?.seeds[0]?.finalValTokens ?? 0;
  return { title: `Final validation loss (nats/token on ${int(n)} fixed val positions, mean over seeds, t-based 95 % CI)`, header: ['arm', 'table', 'trainable params', 'val loss', 'per seed', 'tokens seen'], rows };
}

export function pairedLossTable(r: ExperimentReport): Table {
  const label = (n: string): string => r.arms.find((a) => a.name === n)?.label ?? n;
  const rows = r.comparisons.valLoss.map((p) => [`${label(p.a)} − ${label(p.b)}`, ciText(p.diff), String(p.diff.n), p.diff.ci95 ? (p.diff.ci95[0] > 0 || p.diff.ci95[1] < 0 ? 'yes' : 'no') : 'no (one seed)']);
  return { title: 'Paired differences of final validation loss (paired by seed)', header: ['difference', 'mean [95 % CI]', 'seeds', 'CI excludes 0'], rows };
}

export function frequencyTable(r: ExperimentReport): Table | null {
  const keys = [...new Set(r.arms.flatMap((a) => Object.keys(a.valLossByFrequency ?? {})))];
  if (keys.length === 0) return null;
  const rows = r.arms.map((a) => [a.label, ...keys.map((k) => (a.valLossByFrequency?.[k] ? ciText(a.valLossByFrequency[k]) : '—'))]);
  return { title: 'Validation loss by how often the token occurs in the training split', header: ['arm', ...keys], rows };
}

export function mmluTable(r: ExperimentReport): Table {
  const rows: string[][] = [];
  for (const key of MMLU_PROTOCOLS) {
    for (const a of r.arms) {
      const m = a.mmlu[key];
      if (!m) continue;
      rows.push([key, a.label, ciText(m, pct), pct(m.invalidRate), String(m.n)]);
    }
  }
  return {
    title: 'MMLU accuracy (mean over seeds; 95 % CI: Wilson per run, across sampled runs for paper-sampled; with several seeds the union of the per-seed intervals, a conservative choice)',
    header: ['protocol', 'arm', 'accuracy [95 % CI]', 'invalid format', 'seeds'],
    rows,
    note: `Chance is 25 %. ${r.setup.mmlu.items} items per run. Protocols: ${Object.entries(r.setup.mmlu.protocols).map(([k, v]) => `${k} = ${v}`).join('; ')}.`,
  };
}

export function mmluPairedTable(r: ExperimentReport): Table {
  const label = (n: string): string => r.arms.find((a) => a.name === n)?.label ?? n;
  const rows = r.comparisons.mmlu.map((c) => [c.protocol, `${label(c.a)} − ${label(c.b)}`, pct(c.diff), `[${pct(c.ci95[0])}, ${pct(c.ci95[1])}]`, String(c.n), c.mcnemarP.toPrecision(3)]);
  return { title: 'Paired MMLU differences (items × seeds, paired bootstrap CI95, McNemar exact p)', header: ['protocol', 'difference', 'accuracy diff', '95 % CI', 'pairs', 'McNemar p'], rows };
}

export function perplexityTable(r: ExperimentReport): Table {
  const keys = r.arms[0]?.perplexity.map((p) => p.key) ?? [];
  const names = r.arms[0]?.perplexity.map((p) => p.name) ?? [];
  const rows = r.arms.map((a) => [a.label, ...keys.map((k) => { const p = a.perplexity.find((q) => q.key === k); return p ? `${f3(p.loss.mean)} (ppl ${p.perplexity.toFixed(1)})` : '—'; })]);
  return { title: 'Held-out loss per script (nats/token, mean over seeds; text in neither split)', header: ['arm', ...names], rows };
}
