// Loss curves as a standalone SVG string (no DOM): train loss solid and validation loss dashed for several runs
// or arms, real axes with ticks and labels, a legend, and an optional log-scale loss axis. Scales and ticks come
// from d3-scale and the path strings from d3-shape (both DOM-free); colours are glyph-embeddings' colour-blind-safe
// palette. `@glyphlm/trainer/node`'s lossCurvePng rasterises the same SVG.
import { scaleLinear, scaleLog, type ScaleLinear, type ScaleLogarithmic } from 'd3-scale';
import { line } from 'd3-shape';
import { PALETTE, xmlEscape } from '@glyphlm/glyph-embeddings/viz';

/** The fields of a history entry a curve reads (train()'s HistoryEntry has them). */
export interface CurvePoint {
  step: number;
  loss: number;
  valLoss?: number;
}

/** One run's curve; series with the same `group` share a colour and one legend entry (e.g. the seeds of an arm). */
export interface CurveSeries {
  label: string;
  history: readonly CurvePoint[];
  group?: string;
}

/** What compareArms returns, as far as a plot needs it: every arm's runs. */
export interface ArmsWithRuns {
  arms: Readonly<Record<string, { runs: ReadonlyArray<{ seed: number; history: readonly CurvePoint[] }> }>>;
}

/**
 * Series, or `{ name: history }`, or `{ name: [history per seed] }` (one colour and legend entry per name), or a
 * compareArms result (one colour per arm, one curve per seed).
 */
export type LossCurveInput =
  | readonly CurveSeries[]
  | Readonly<Record<string, readonly CurvePoint[] | ReadonlyArray<readonly CurvePoint[]>>>
  | ArmsWithRuns;

function isExperiment(x: unknown): x is ArmsWithRuns {
  const arms = (x as { arms?: unknown })?.arms;
  return !!arms && typeof arms === 'object' && !Array.isArray(arms) && Object.values(arms).every((a) => Array.isArray((a as { runs?: unknown })?.runs));
}

export interface LossCurveOptions {
  /** Log-scale loss axis (default false). */
  logScale?: boolean;
  title?: string;
  /** Pixels (default 720 x 420). */
  width?: number;
  height?: number;
  /** Draw train loss (default true) and validation loss (default true, dashed). */
  train?: boolean;
  val?: boolean;
  /**
   * Draw one curve per group (arm): the mean over its runs at the steps every run has (default false: every run).
   */
  mean?: boolean;
  /**
   * Exponential smoothing of the train curve, 0 (default, raw) to < 1 (TensorBoard's slider; bias-corrected, so
   * the first point is the raw loss). Validation points are never smoothed.
   */
  smooth?: number;
  /** Axis labels (default 'step' and 'loss'). */
  xLabel?: string;
  yLabel?: string;
}

const FONT = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const MARGIN = { top: 36, right: 170, bottom: 48, left: 64 };

function isCurve(x: unknown): x is readonly CurvePoint[] {
  return Array.isArray(x) && (x.length === 0 || (typeof x[0] === 'object' && x[0] !== null && 'step' in x[0]));
}

/** Normalises the accepted inputs to a list of series (throws naming the series at fault). */
export function curveSeries(input: LossCurveInput): CurveSeries[] {
  let out: CurveSeries[];
  if (isExperiment(input)) {
    out = [];
    for (const [arm, a] of Object.entries(input.arms)) for (const r of a.runs) out.push({ label: `${arm} seed ${r.seed}`, history: r.history, group: arm });
  } else if (Array.isArray(input)) {
    out = (input as readonly CurveSeries[]).map((s, i) => {
      if (!s || typeof s.label !== 'string' || !Array.isArray(s.history)) throw new TypeError(`lossCurveSvg: series[${i}] must be { label: string, history: HistoryEntry[] }`);
      return { label: s.label, history: s.history, group: s.group };
    });
  } else if (input && typeof input === 'object') {
    out = [];
    for (const [name, h] of Object.entries(input as Record<string, unknown>)) {
      if (isCurve(h)) out.push({ label: name, history: h, group: name });
      else if (Array.isArray(h) && h.every(isCurve)) h.forEach((hh, i) => out.push({ label: `${name} #${i + 1}`, history: hh, group: name }));
      else throw new TypeError(`lossCurveSvg: '${name}' must be a history (array of { step, loss, valLoss? }) or an array of histories`);
    }
  } else {
    throw new TypeError('lossCurveSvg: histories must be an array of series or an object of histories');
  }
  if (out.length === 0) throw new RangeError('lossCurveSvg: no series to draw');
  return out;
}

/** One series per group: mean loss (and val loss) over the group's runs at the steps all of them have. */
export function meanByGroup(series: readonly CurveSeries[]): CurveSeries[] {
  const groups = new Map<string, CurveSeries[]>();
  for (const s of series) {
    const g = s.group ?? s.label;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(s);
  }
  return [...groups].map(([g, runs]) => {
    const maps = runs.map((r) => new Map(r.history.map((e) => [e.step, e])));
    const steps = [...maps[0].keys()].filter((st) => maps.every((m) => m.has(st))).sort((a, b) => a - b);
    const history = steps.map((step) => {
      const es = maps.map((m) => m.get(step)!);
      const e: CurvePoint = { step, loss: es.reduce((a, x) => a + x.loss, 0) / es.length };
      if (es.every((x) => ok(x.valLoss))) e.valLoss = es.reduce((a, x) => a + x.valLoss!, 0) / es.length;
      return e;
    });
    return { label: runs.length > 1 ? `${g} (mean of ${runs.length})` : runs[0].label, history, group: g };
  });
}

/** Bias-corrected exponential moving average of the train loss (val points untouched). */
export function smoothTrain(history: readonly CurvePoint[], weight: number): CurvePoint[] {
  let avg = 0, norm = 0;
  return history.map((e) => {
    if (!ok(e.loss)) return { ...e };
    avg = weight * avg + (1 - weight) * e.loss;
    norm = weight * norm + (1 - weight);
    return { ...e, loss: avg / norm };
  });
}

const fmt = (v: number) => (Math.round(v * 100) / 100).toString();
const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The SVG document (a string) of the loss curves. */
export function lossCurveSvg(histories: LossCurveInput, opts: LossCurveOptions = {}): string {
  const smooth = opts.smooth ?? 0;
  if (typeof smooth !== 'number' || !(smooth >= 0 && smooth < 1)) throw new RangeError(`lossCurveSvg: options.smooth must be in [0, 1), got ${opts.smooth}`);
  let series = curveSeries(histories);
  if (opts.mean) series = meanByGroup(series);
  if (smooth > 0) series = series.map((s) => ({ ...s, history: smoothTrain(s.history, smooth) }));
  const width = opts.width ?? 720, height = opts.height ?? 420;
  for (const [k, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 240 || v > 10000) throw new RangeError(`lossCurveSvg: options.${k} must be an integer in 240..10000, got ${v}`);
  }
  const showTrain = opts.train ?? true, showVal = opts.val ?? true;
  const log = opts.logScale ?? false;
  const xs: number[] = [], ys: number[] = [];
  for (const s of series) {
    let any = false;
    s.history.forEach((e, i) => {
      if (!e || !ok(e.step)) throw new TypeError(`lossCurveSvg: series '${s.label}' entry ${i} has no numeric step`);
      for (const [on, v] of [[showTrain, e.loss], [showVal, e.valLoss]] as const) {
        if (!on || !ok(v) || (log && v <= 0)) continue;
        xs.push(e.step); ys.push(v); any = true;
      }
    });
    if (!any && s.history.length) throw new RangeError(`lossCurveSvg: series '${s.label}' has no finite${log ? ' positive' : ''} loss to draw`);
  }
  if (xs.length === 0) throw new RangeError('lossCurveSvg: no points to draw (every history is empty)');
  const plotW = width - MARGIN.left - MARGIN.right, plotH = height - MARGIN.top - MARGIN.bottom;
  let x0 = Math.min(...xs), x1 = Math.max(...xs);
  if (x0 === x1) { x0 -= 1; x1 += 1; }
  let y0 = Math.min(...ys), y1 = Math.max(...ys);
  if (y0 === y1) { y0 = log ? y0 / 1.1 : y0 - 0.5; y1 = log ? y1 * 1.1 : y1 + 0.5; }
  const x = scaleLinear().domain([x0, x1]).range([0, plotW]);
  // a log axis is padded by 5 % rather than niced (nice() would stretch 1.7..4.2 to 1..10)
  const y: ScaleLinear<number, number> | ScaleLogarithmic<number, number> = log
    ? scaleLog().domain([y0 / 1.05, y1 * 1.05]).range([plotH, 0])
    : scaleLinear().domain([y0, y1]).range([plotH, 0]).nice();
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}" font-size="12">`);
  out.push(`<rect class="background" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (opts.title) out.push(`<text class="title" x="${MARGIN.left + plotW / 2}" y="22" text-anchor="middle" font-size="15">${xmlEscape(opts.title)}</text>`);
  out.push(`<g class="plot" transform="translate(${MARGIN.left} ${MARGIN.top})">`);
  // axes: grid lines, ticks, tick labels, axis labels
  const xTicks = x.ticks(Math.max(2, Math.round(plotW / 90))), xFmt = x.tickFormat(Math.max(2, Math.round(plotW / 90)));
  const yCount = Math.max(2, Math.round(plotH / 50));
  let yTicks = y.ticks(yCount), yFmt = y.tickFormat(yCount);
  if (log && yTicks.length < 3) {
    // less than a decade of range: d3's log ticks are too sparse, so take linear ticks placed on the log axis
    const lin = scaleLinear().domain(y.domain());
    yTicks = lin.ticks(yCount).filter((t) => t > 0);
    yFmt = lin.tickFormat(yCount);
  }
  out.push(`<g class="axis x-axis" data-domain="${x0} ${x1}">`);
  for (const t of xTicks) {
    const px = fmt(x(t));
    out.push(`<g class="tick" data-value="${t}"><line class="grid" x1="${px}" x2="${px}" y1="0" y2="${plotH}" stroke="#e6e6e6"/><line x1="${px}" x2="${px}" y1="${plotH}" y2="${plotH + 5}" stroke="#333"/><text x="${px}" y="${plotH + 18}" text-anchor="middle" fill="#333">${xmlEscape(xFmt(t))}</text></g>`);
  }
  out.push(`<line class="domain" x1="0" x2="${plotW}" y1="${plotH}" y2="${plotH}" stroke="#333"/>`);
  out.push(`<text class="axis-label" x="${plotW / 2}" y="${plotH + 38}" text-anchor="middle" fill="#111">${xmlEscape(opts.xLabel ?? 'step')}</text></g>`);
  const [yd0, yd1] = y.domain();
  out.push(`<g class="axis y-axis" data-domain="${yd0} ${yd1}" data-scale="${log ? 'log' : 'linear'}">`);
  for (const t of yTicks) {
    const py = fmt(y(t));
    const label = yFmt(t);
    out.push(`<g class="tick" data-value="${t}"><line class="grid" x1="0" x2="${plotW}" y1="${py}" y2="${py}" stroke="#e6e6e6"/><line x1="-5" x2="0" y1="${py}" y2="${py}" stroke="#333"/>${label ? `<text x="-8" y="${py}" dy="0.32em" text-anchor="end" fill="#333">${xmlEscape(label)}</text>` : ''}</g>`);
  }
  out.push(`<line class="domain" x1="0" x2="0" y1="0" y2="${plotH}" stroke="#333"/>`);
  out.push(`<text class="axis-label" transform="translate(-48 ${plotH / 2}) rotate(-90)" text-anchor="middle" fill="#111">${xmlEscape((opts.yLabel ?? 'loss') + (log ? ' (log scale)' : ''))}</text></g>`);
  // curves, clipped to the plot box
  out.push(`<clipPath id="plot-clip"><rect width="${plotW}" height="${plotH}"/></clipPath><g class="curves" clip-path="url(#plot-clip)">`);
  const groups: string[] = [];
  for (const s of series) if (!groups.includes(s.group ?? s.label)) groups.push(s.group ?? s.label);
  const colour = (s: CurveSeries) => PALETTE[groups.indexOf(s.group ?? s.label) % PALETTE.length];
  const shared = series.length > groups.length;
  for (const s of series) {
    const col = colour(s);
    const label = xmlEscape(s.label);
    for (const kind of ['train', 'val'] as const) {
      if ((kind === 'train' && !showTrain) || (kind === 'val' && !showVal)) continue;
      const pts = s.history.filter((e) => { const v = kind === 'train' ? e.loss : e.valLoss; return ok(v) && (!log || v > 0); })
        .map((e) => [x(e.step), y(kind === 'train' ? e.loss : e.valLoss!)] as [number, number]);
      if (pts.length === 0) continue;
      const d = line().digits(2)(pts);
      const dash = kind === 'val' ? ' stroke-dasharray="6 4"' : '';
      const w = kind === 'val' ? 2 : shared ? 1.25 : 1.5;
      out.push(`<path class="curve ${kind}" data-series="${label}" data-points="${pts.length}" d="${d}" fill="none" stroke="${col}" stroke-width="${w}"${dash} stroke-linecap="round" stroke-linejoin="round"${shared && kind === 'train' ? ' stroke-opacity="0.7"' : ''}/>`);
    }
  }
  out.push('</g>');
  out.push(`<rect class="frame" width="${plotW}" height="${plotH}" fill="none" stroke="#333" stroke-width="0.5"/></g>`);
  // legend: one entry per group, then what solid and dashed mean
  const lx = MARGIN.left + plotW + 16;
  out.push(`<g class="legend" transform="translate(${lx} ${MARGIN.top})">`);
  groups.forEach((g, i) => {
    const yy = 8 + i * 18;
    out.push(`<g class="legend-entry" data-series="${xmlEscape(g)}"><line x1="0" x2="22" y1="${yy}" y2="${yy}" stroke="${PALETTE[i % PALETTE.length]}" stroke-width="3"/><text x="28" y="${yy}" dy="0.32em" fill="#111">${xmlEscape(g.length > 20 ? g.slice(0, 19) + '…' : g)}</text></g>`);
  });
  let yy = 8 + groups.length * 18 + 10;
  if (showTrain) {
    out.push(`<g class="legend-key"><line x1="0" x2="22" y1="${yy}" y2="${yy}" stroke="#555" stroke-width="1.5"/><text x="28" y="${yy}" dy="0.32em" fill="#555">train</text></g>`);
    yy += 18;
  }
  if (showVal) out.push(`<g class="legend-key"><line x1="0" x2="22" y1="${yy}" y2="${yy}" stroke="#555" stroke-width="2" stroke-dasharray="6 4"/><text x="28" y="${yy}" dy="0.32em" fill="#555">validation</text></g>`);
  out.push('</g></svg>');
  return out.join('\n');
}
