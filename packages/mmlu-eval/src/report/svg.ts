// accuracyChartSvg: grouped bars (one group per MMLU category, plus overall; or per subject) with CI95 whiskers,
// the chance line, a y axis with ticks and a legend, for several results side by side. A standalone SVG string
// written by hand (no DOM needed, so it works in Node and workers); d3-scale places bands and picks "nice" ticks.
import { scaleBand, scaleLinear } from 'd3-scale';
import { MMLU_CATEGORIES } from '../data/subjects.js';
import type { EvalResult, SubjectAccuracy } from '../protocols/types.js';
import { pct, resultLabel, xml } from './format.js';

export interface ChartOptions {
  /** Total width and height in px (default 760 x 400). */
  width?: number;
  height?: number;
  title?: string;
  /** 'category' (default): the four MMLU categories present, then overall; 'subject': each subject, then overall. */
  by?: 'category' | 'subject';
  /** Labels of the results in the legend (default: model name, protocol, shots). */
  labels?: string[];
  /** Bar colours (default: the Okabe-Ito colour-blind-safe palette). */
  colors?: string[];
}

export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

const f = (x: number): string => (Math.round(x * 100) / 100).toString();

interface Group {
  key: string;
  label: string;
  values: (SubjectAccuracy | undefined)[];
}

function groupsOf(results: readonly EvalResult[], by: 'category' | 'subject'): Group[] {
  const groups: Group[] = [];
  if (by === 'category') {
    for (const c of MMLU_CATEGORIES) {
      if (results.some((r) => r.accuracy.categories[c])) groups.push({ key: c, label: c, values: results.map((r) => r.accuracy.categories[c]) });
    }
  } else {
    const subjects: string[] = [];
    for (const r of results) for (const s of Object.keys(r.accuracy.perSubject)) if (!subjects.includes(s)) subjects.push(s);
    for (const s of subjects) groups.push({ key: s, label: s.replace(/_/g, ' '), values: results.map((r) => r.accuracy.perSubject[s]) });
  }
  groups.push({ key: 'overall', label: 'overall (micro)', values: results.map((r) => ({ acc: r.accuracy.micro, n: r.accuracy.n, ci95: r.accuracy.ci95 })) });
  return groups;
}

/** Splits text at spaces into lines of at most `max` characters (longer words stay whole). */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** An SVG chart of accuracy with CI95 whiskers and the chance line for one or more results. */
export function accuracyChartSvg(results: readonly EvalResult[], opts: ChartOptions = {}): string {
  if (results.length === 0) throw new RangeError('accuracyChartSvg: no results');
  const width = opts.width ?? 760;
  const by = opts.by ?? 'category';
  const colors = opts.colors ?? OKABE_ITO;
  const labels = opts.labels ?? results.map(resultLabel);
  if (labels.length !== results.length) throw new RangeError(`accuracyChartSvg: ${labels.length} labels for ${results.length} results`);
  const groups = groupsOf(results, by);
  const chance = results[0].accuracy.chance;

  const legendRows = results.length + 1; // one row per result, then the chance line
  // the data source(s) under the legend, wrapped (the bundled MMLU says it is the pre-release)
  const sourceLines = wrap([...new Set(results.map((r) => `Data: ${r.dataset}, ${r.split} split: ${r.source}`))].join('; '), Math.floor(width / 6));
  const rotate = by === 'subject';
  const footer = 20 * legendRows + 14 * sourceLines.length + 12;
  const margin = { top: 44, right: 24, bottom: (rotate ? 150 : 36) + footer, left: rotate ? 96 : 64 };
  const height = opts.height ?? Math.max(400, margin.top + margin.bottom + 220);
  const plot = { left: margin.left, right: width - margin.right, top: margin.top, bottom: height - margin.bottom };

  let top = chance;
  for (const g of groups) for (const v of g.values) if (v) top = Math.max(top, v.ci95[1], v.acc);
  const y = scaleLinear().domain([0, Math.min(1, top * 1.12 + 0.01)]).range([plot.bottom, plot.top]).nice(6);
  const x0 = scaleBand<string>().domain(groups.map((g) => g.key)).range([plot.left, plot.right]).paddingInner(0.2).paddingOuter(0.1);
  const x1 = scaleBand<string>().domain(results.map((_, i) => String(i))).range([0, x0.bandwidth()]).padding(0.08);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`);
  const title = opts.title ?? `Accuracy by ${by} (bars), CI95 (whiskers), chance (dashed)`;
  out.push(`<title>${xml(title)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${f(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${xml(title)}</text>`);

  // y axis: grid, ticks, labels
  out.push('<g class="y-axis">');
  for (const t of y.ticks(6)) {
    const ty = f(y(t));
    out.push(`<line class="grid" x1="${f(plot.left)}" x2="${f(plot.right)}" y1="${ty}" y2="${ty}" stroke="#e0e0e0"/>`);
    out.push(`<line x1="${f(plot.left - 5)}" x2="${f(plot.left)}" y1="${ty}" y2="${ty}" stroke="#333"/>`);
    out.push(`<text class="tick" data-value="${t}" x="${f(plot.left - 8)}" y="${ty}" dy="0.32em" text-anchor="end">${pct(t, t * 100 === Math.round(t * 100) ? 0 : 1)}%</text>`);
  }
  out.push(`<line x1="${f(plot.left)}" x2="${f(plot.left)}" y1="${f(plot.top)}" y2="${f(plot.bottom)}" stroke="#333"/>`);
  out.push(`<text x="${f(16)}" y="${f((plot.top + plot.bottom) / 2)}" transform="rotate(-90 16 ${f((plot.top + plot.bottom) / 2)})" text-anchor="middle">accuracy (%)</text>`);
  out.push('</g>');

  // bars and whiskers
  out.push('<g class="bars">');
  for (const g of groups) {
    g.values.forEach((v, i) => {
      if (!v) return;
      const bx = x0(g.key)! + x1(String(i))!;
      const bw = x1.bandwidth();
      const cx = bx + bw / 2;
      const data = `data-group="${xml(g.key)}" data-result="${i}" data-acc="${v.acc}" data-lo="${v.ci95[0]}" data-hi="${v.ci95[1]}" data-n="${v.n}"`;
      out.push(`<rect class="bar" ${data} x="${f(bx)}" y="${f(y(v.acc))}" width="${f(bw)}" height="${f(y(0) - y(v.acc))}" fill="${colors[i % colors.length]}"><title>${xml(`${labels[i]}, ${g.label}: ${pct(v.acc)}% [${pct(v.ci95[0])}, ${pct(v.ci95[1])}], n=${v.n}`)}</title></rect>`);
      const cap = bw * 0.2;
      out.push(`<g class="whisker" ${data} stroke="#222" stroke-width="1.5">` +
        `<line x1="${f(cx)}" x2="${f(cx)}" y1="${f(y(v.ci95[1]))}" y2="${f(y(v.ci95[0]))}"/>` +
        `<line x1="${f(cx - cap)}" x2="${f(cx + cap)}" y1="${f(y(v.ci95[1]))}" y2="${f(y(v.ci95[1]))}"/>` +
        `<line x1="${f(cx - cap)}" x2="${f(cx + cap)}" y1="${f(y(v.ci95[0]))}" y2="${f(y(v.ci95[0]))}"/></g>`);
    });
  }
  out.push('</g>');

  // chance line
  const cy = f(y(chance));
  const chanceStyle = 'stroke="#c00000" stroke-width="1.5" stroke-dasharray="6 4"';
  out.push(`<g class="chance" data-value="${chance}"><line x1="${f(plot.left)}" x2="${f(plot.right)}" y1="${cy}" y2="${cy}" ${chanceStyle}/></g>`);

  // x axis: baseline and group labels
  out.push('<g class="x-axis">');
  out.push(`<line x1="${f(plot.left)}" x2="${f(plot.right)}" y1="${f(plot.bottom)}" y2="${f(plot.bottom)}" stroke="#333"/>`);
  for (const g of groups) {
    const gx = x0(g.key)! + x0.bandwidth() / 2;
    const ly = plot.bottom + 16;
    out.push(rotate
      ? `<text class="group-label" x="${f(gx)}" y="${f(ly)}" transform="rotate(-50 ${f(gx)} ${f(ly)})" text-anchor="end" font-size="10">${xml(g.label)}</text>`
      : `<text class="group-label" x="${f(gx)}" y="${f(ly)}" text-anchor="middle">${xml(g.label)}</text>`);
  }
  out.push('</g>');

  // legend
  out.push('<g class="legend">');
  const legendTop = height - footer + 4;
  labels.forEach((label, i) => {
    const ly = legendTop + 20 * i;
    out.push(`<rect class="legend-swatch" data-result="${i}" x="${f(plot.left)}" y="${f(ly)}" width="14" height="14" fill="${colors[i % colors.length]}"/>`);
    out.push(`<text x="${f(plot.left + 20)}" y="${f(ly + 7)}" dy="0.32em">${xml(label)}</text>`);
  });
  const chanceY = legendTop + 20 * results.length + 7;
  out.push(`<line class="legend-chance" x1="${f(plot.left)}" x2="${f(plot.left + 14)}" y1="${f(chanceY)}" y2="${f(chanceY)}" ${chanceStyle}/>`);
  out.push(`<text x="${f(plot.left + 20)}" y="${f(chanceY)}" dy="0.32em">chance (${pct(chance)}%)</text>`);
  out.push('</g>');
  sourceLines.forEach((line, i) => {
    out.push(`<text class="source" x="${f(plot.left)}" y="${f(chanceY + 22 + 14 * i)}" font-size="10" fill="#555">${xml(line)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
