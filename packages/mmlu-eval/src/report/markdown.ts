// resultsMarkdown: one or more results as markdown tables (overall, paired differences, categories, per subject).
// Every accuracy comes with its n and CI95; a difference is printed only as a paired comparison with its
// bootstrap CI95 and McNemar p, and only when both results cover the same items.
import { MMLU_CATEGORIES, mmluCategory } from '../data/subjects.js';
import type { Accuracy, EvalResult, SubjectAccuracy } from '../protocols/types.js';
import { compareModels } from '../stats/compare.js';
import { ciText, count, mdCell, pct, resultLabel } from './format.js';

export interface MarkdownOptions {
  /** Heading (default 'Evaluation results'). */
  title?: string;
  /** Include the per-subject table (default true). */
  perSubject?: boolean;
  /** Bootstrap settings of the paired comparisons (default 10,000 resamples, seed 0). */
  resamples?: number;
  seed?: number;
}

const runsNote = (a: Accuracy): string =>
  a.runs && a.runs.length > 1 ? ` = ${pct(a.micro, 2)} ±${pct((1.96 * (a.runsStd ?? 0)) / Math.sqrt(a.runs.length), 2)} (σ ${pct(a.runsStd ?? 0, 2)}, ${a.runs.length} runs)` : '';

function accCell(s: SubjectAccuracy | undefined, withN: boolean): string {
  if (!s) return '–';
  return `${pct(s.acc)} ${ciText(s.ci95)}${withN ? ` (n=${count(s.n)})` : ''}`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Markdown report of `results` (one or several models / protocols on the same data). */
export function resultsMarkdown(results: readonly EvalResult[], opts: MarkdownOptions = {}): string {
  if (results.length === 0) throw new RangeError('resultsMarkdown: no results');
  const labels = results.map((r, i) => mdCell(`${i + 1}. ${resultLabel(r)}`));
  const out: string[] = [`## ${opts.title ?? 'Evaluation results'}`, ''];

  const sources = [...new Set(results.map((r) => `${r.dataset}, ${r.split} split: ${r.source}`))];
  out.push(...sources.map((s) => `Data: ${mdCell(s)}  `));
  out.push(
    'Accuracy in %, with n and CI95: Wilson score interval over items; for sampled runs of the paper protocol, the author\'s mean ± 1.96·σ/√runs across runs. ' +
      'Micro = pooled over items (lm-evaluation-harness and the original script); macro = mean of per-subject accuracies. ' +
      'Invalid = outputs that are not a valid answer letter (counted as wrong).',
    '',
    '### Overall',
    '',
  );
  out.push(table(
    ['result', 'protocol', 'shots', 'n', 'micro % [CI95]', 'macro %', 'invalid %', 'chance %', 'prompts'],
    results.map((r, i) => {
      const a = r.accuracy;
      let micro = `${pct(a.micro)} ${ciText(a.ci95)}${runsNote(a)}`;
      if (a.ci95Items) micro += `; item CI95 ${ciText(a.ci95Items)}`;
      if (a.microNorm !== undefined) micro += `; acc_norm ${pct(a.microNorm)}${a.ci95Norm ? ` ${ciText(a.ci95Norm)}` : ''}`;
      return [labels[i], r.variant ? `${r.protocol} (${r.variant})` : r.protocol, String(r.shots), count(a.n), micro, pct(a.macro), pct(a.invalidRate), pct(a.chance), `\`${r.promptsHash.slice(0, 12)}\``];
    }),
  ));
  const truncated = results.filter((r) => r.counts.truncated > 0 || r.counts.shotsReduced > 0);
  if (truncated.length > 0) {
    out.push('', ...truncated.map((r) => `${labels[results.indexOf(r)]}: ${count(r.counts.shotsReduced)} items with fewer shots to fit the context, ${count(r.counts.truncated)} left-truncated.  `));
  }

  if (results.length > 1) {
    out.push('', '### Paired differences (same items)', '');
    const rows: string[][] = [];
    for (let j = 1; j < results.length; j++) {
      let c;
      try {
        c = compareModels(results[0], results[j], { resamples: opts.resamples, seed: opts.seed });
      } catch (e) {
        rows.push([`${labels[0]} − ${labels[j]}`, '–', `not compared: ${mdCell((e as Error).message)}`, '–', '–']);
        continue;
      }
      rows.push([`${labels[0]} − ${labels[j]}`, count(c.n), `${c.diff >= 0 ? '+' : ''}${pct(c.diff)} ${ciText(c.ci95)}`, `${c.onlyA} / ${c.onlyB}`, c.mcnemarP < 1e-4 ? c.mcnemarP.toExponential(1) : c.mcnemarP.toFixed(4)]);
    }
    out.push(table(['A − B', 'n', 'difference pp [paired bootstrap CI95]', 'right only A / only B', 'McNemar exact p'], rows));
  }

  const sameN = (get: (a: Accuracy) => SubjectAccuracy | undefined) => new Set(results.map((r) => get(r.accuracy)?.n)).size === 1;
  const cats = MMLU_CATEGORIES.filter((c) => results.some((r) => r.accuracy.categories[c]));
  if (cats.length > 0) {
    out.push('', '### Categories (original hendrycks/test grouping)', '');
    out.push(table(['category', 'n', ...labels.map((l) => `${l} % [CI95]`)], cats.map((c) => {
      const same = sameN((a) => a.categories[c]);
      return [c, same ? count(results[0].accuracy.categories[c]?.n ?? 0) : 'varies', ...results.map((r) => accCell(r.accuracy.categories[c], !same))];
    })));
  }

  if (opts.perSubject ?? true) {
    const subjects: string[] = [];
    for (const r of results) for (const s of Object.keys(r.accuracy.perSubject)) if (!subjects.includes(s)) subjects.push(s);
    out.push('', '### Per subject', '');
    out.push(table(['subject', 'category', 'n', ...labels.map((l) => `${l} % [CI95]`)], subjects.map((s) => {
      const same = sameN((a) => a.perSubject[s]);
      return [mdCell(s), mmluCategory(s) ?? '–', same ? count(results[0].accuracy.perSubject[s]?.n ?? 0) : 'varies', ...results.map((r) => accCell(r.accuracy.perSubject[s], !same))];
    })));
  }
  return out.join('\n') + '\n';
}
