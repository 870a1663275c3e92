// SVG charts of the report, drawn with d3-scale / d3-shape into plain SVG strings (no DOM, so they render the same
// in Node, in report.html and in any viewer): line charts (loss curves) and grouped bars with 95 % CI whiskers and
// an optional reference line (the MMLU chance line).
import { scaleBand, scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';

export const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : Number(v.toPrecision(3)).toString());

export interface Series {
  name: string;
  points: Array<[number, number]>;
  color?: string;
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
  logY?: boolean;
}

function legend(items: Array<{ name: string; color: string; dashed?: boolean }>, x: number, y: number): string {
  return items.map((it, i) => `<g transform="translate(${x},${y + i * 16})"><line x1="0" y1="0" x2="18" y2="0" stroke="${it.color}" stroke-width="2.5"${it.dashed ? ' stroke-dasharray="4 3"' : ''}/><text x="24" y="4" font-size="11">${esc(it.name)}</text></g>`).join('');
}

/** Line chart of several series (e.g. validation loss against tokens seen, one line per arm and seed). */
export function lineChartSvg(series: readonly Series[], o: LineChartOptions): string {
  const W = o.width ?? 720, H = o.height ?? 360, m = { l: 60, r: 200, t: 30, b: 45 };
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length === 0) throw new RangeError(`lineChartSvg '${o.title}': no finite points`);
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const x = scaleLinear().domain([Math.min(...xs), Math.max(...xs)]).range([m.l, W - m.r]).nice();
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const y = (o.logY && lo > 0 ? scaleLog().domain([lo * 0.98, hi * 1.02]) : scaleLinear().domain([lo - (hi - lo) * 0.05 || lo - 0.5, hi + (hi - lo) * 0.05 || hi + 0.5])).range([H - m.b, m.t]);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" role="img"><title>${esc(o.title)}</title>`];
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/><text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(o.title)}</text>`);
  for (const t of x.ticks(6)) parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x(t)}" y="${H - m.b + 14}" font-size="10" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of y.ticks(6)) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${m.l - 6}" y="${y(t) + 3}" font-size="10" text-anchor="end">${fmt(t)}</text>`);
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/><line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="#333"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" font-size="11" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(14,${(m.t + H - m.b) / 2}) rotate(-90)" font-size="11" text-anchor="middle">${esc(o.yLabel)}</text>`);
  const path = line<[number, number]>().x((p) => x(p[0])).y((p) => y(p[1]));
  series.forEach((s, i) => {
    const c = s.color ?? COLORS[i % COLORS.length];
    const p = s.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (p.length === 0) return;
    parts.push(`<path d="${path(p)}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ''}><title>${esc(s.name)}</title></path>`);
    if (p.length === 1) parts.push(`<circle cx="${x(p[0][0])}" cy="${y(p[0][1])}" r="3" fill="${c}"/>`);
  });
  parts.push(legend(series.map((s, i) => ({ name: s.name, color: s.color ?? COLORS[i % COLORS.length], dashed: s.dashed })), W - m.r + 14, m.t + 6));
  parts.push('</svg>');
  return parts.join('');
}

export interface BarValue {
  /** Bar (e.g. arm) name. */
  bar: string;
  value: number;
  ci95?: [number, number] | null;
}

export interface BarGroup {
  group: string;
  values: BarValue[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  width?: number;
  height?: number;
  /** A dashed horizontal reference line, e.g. { value: 0.25, label: 'chance' }. */
  reference?: { value: number; label: string };
  /** Format of values in the tooltips (default 3 significant digits). */
  format?: (v: number) => string;
  yMin?: number;
}

/** Grouped bars with CI whiskers (e.g. MMLU accuracy per protocol and arm, or loss per script and arm). */
export function barChartSvg(groups: readonly BarGroup[], o: BarChartOptions): string {
  const W = o.width ?? 720, H = o.height ?? 340, m = { l: 60, r: 180, t: 30, b: 70 };
  if (groups.length === 0) throw new RangeError(`barChartSvg '${o.title}': no groups`);
  const bars = [...new Set(groups.flatMap((g) => g.values.map((v) => v.bar)))];
  const all = groups.flatMap((g) => g.values.flatMap((v) => [v.value, ...(v.ci95 ?? [])])).filter(Number.isFinite);
  if (o.reference) all.push(o.reference.value);
  const hi = Math.max(...all), lo = Math.min(o.yMin ?? 0, ...all);
  const x0 = scaleBand().domain(groups.map((g) => g.group)).range([m.l, W - m.r]).paddingInner(0.2).paddingOuter(0.1);
  const x1 = scaleBand().domain(bars).range([0, x0.bandwidth()]).padding(0.08);
  const y = scaleLinear().domain([lo, hi * 1.05 || 1]).range([H - m.b, m.t]).nice();
  const f = o.format ?? ((v: number) => Number(v.toPrecision(3)).toString());
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" role="img"><title>${esc(o.title)}</title>`];
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/><text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(o.title)}</text>`);
  for (const t of y.ticks(6)) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/><text x="${m.l - 6}" y="${y(t) + 3}" font-size="10" text-anchor="end">${f(t)}</text>`);
  parts.push(`<text transform="translate(14,${(m.t + H - m.b) / 2}) rotate(-90)" font-size="11" text-anchor="middle">${esc(o.yLabel)}</text>`);
  for (const g of groups) {
    const gx = x0(g.group)!;
    parts.push(`<text transform="translate(${gx + x0.bandwidth() / 2},${H - m.b + 12}) rotate(25)" font-size="10">${esc(g.group)}</text>`);
    for (const v of g.values) {
      if (!Number.isFinite(v.value)) continue;
      const bx = gx + x1(v.bar)!, bw = x1.bandwidth(), c = COLORS[bars.indexOf(v.bar) % COLORS.length];
      const top = y(Math.max(v.value, y.domain()[0])), base = y(Math.max(0, y.domain()[0]));
      parts.push(`<rect x="${bx}" y="${Math.min(top, base)}" width="${bw}" height="${Math.abs(base - top)}" fill="${c}"><title>${esc(`${g.group} · ${v.bar}: ${f(v.value)}${v.ci95 ? ` [${f(v.ci95[0])}, ${f(v.ci95[1])}]` : ''}`)}</title></rect>`);
      if (v.ci95) {
        const cx = bx + bw / 2, a = y(v.ci95[0]), b = y(v.ci95[1]);
        parts.push(`<path d="M${cx},${a}V${b}M${cx - 3},${a}H${cx + 3}M${cx - 3},${b}H${cx + 3}" stroke="#222" stroke-width="1.2" fill="none"/>`);
      }
    }
  }
  parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="#333"/>`);
  if (o.reference) {
    const ry = y(o.reference.value);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${ry}" y2="${ry}" stroke="#c00" stroke-dasharray="6 4"/><text x="${W - m.r + 4}" y="${ry + 4}" font-size="10" fill="#c00">${esc(o.reference.label)}</text>`);
  }
  parts.push(legend(bars.map((b, i) => ({ name: b, color: COLORS[i % COLORS.length] })), W - m.r + 14, m.t + 24));
  parts.push('</svg>');
  return parts.join('');
}
