// SVG scatter plot of a 2-D map: one circle and one text label per point, optional colour groups with a legend.
// Pure string building (no DOM), so it runs anywhere; every label is XML-escaped.
import type { Map2dPoint } from './map2d.js';

export interface Map2dSvgOptions {
  /** Label per point (same order as points); default the token id. */
  labels?: readonly string[];
  /** Group name per point (same order); points of one group share a colour. */
  groups?: readonly string[];
  title?: string;
  width?: number;
  height?: number;
  fontSize?: number;
}

/** A fixed, colour-blind-friendly palette (Okabe-Ito + extras), cycled by group index. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442', '#999999', '#882255'];

/** Escapes text for XML character data and attribute values. Drops characters XML 1.0 forbids. */
export function xmlEscape(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Fits points into the plot box (uniform scale, centred) and returns pixel coordinates. */
export function layoutPoints(points: readonly Map2dPoint[], width: number, height: number, margin: number): { px: number[]; py: number[] } {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of points) { x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y); }
  const sx = x1 > x0 ? (width - 2 * margin) / (x1 - x0) : 1, sy = y1 > y0 ? (height - 2 * margin) / (y1 - y0) : 1;
  const s = Math.min(sx, sy);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  return { px: points.map((p) => width / 2 + (p.x - cx) * s), py: points.map((p) => height / 2 - (p.y - cy) * s) };
}

/** SVG document (UTF-8 string) of labelled points. */
export function map2dSvg(points: readonly Map2dPoint[], opts: Map2dSvgOptions = {}): string {
  const width = opts.width ?? 900, height = opts.height ?? 700, fs = opts.fontSize ?? 13;
  if (opts.labels && opts.labels.length !== points.length) throw new RangeError(`map2dSvg: ${opts.labels.length} labels for ${points.length} points`);
  if (opts.groups && opts.groups.length !== points.length) throw new RangeError(`map2dSvg: ${opts.groups.length} groups for ${points.length} points`);
  const groupNames: string[] = [];
  for (const g of opts.groups ?? []) if (!groupNames.includes(g)) groupNames.push(g);
  const top = opts.title ? 30 : 0;
  const { px, py } = layoutPoints(points, width - (groupNames.length ? 150 : 0), height - top, 40);
  const f = (v: number): string => (Math.round(v * 100) / 100).toString();
  const out: string[] = [];
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="${fs}">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (opts.title) out.push(`<text x="${width / 2}" y="20" text-anchor="middle" font-size="${fs + 3}">${xmlEscape(opts.title)}</text>`);
  out.push(`<g transform="translate(0 ${top})">`);
  points.forEach((p, i) => {
    const g = opts.groups ? groupNames.indexOf(opts.groups[i]) : 0;
    const col = PALETTE[g % PALETTE.length];
    const label = opts.labels ? opts.labels[i] : String(p.id);
    out.push(`<g class="pt" data-id="${p.id}"><circle cx="${f(px[i])}" cy="${f(py[i])}" r="4" fill="${col}"/><text x="${f(px[i] + 6)}" y="${f(py[i] + 4)}" fill="${col}">${xmlEscape(label)}</text></g>`);
  });
  out.push(`</g>`);
  if (groupNames.length) {
    out.push(`<g class="legend" transform="translate(${width - 140} ${top + 20})">`);
    groupNames.forEach((g, k) => out.push(`<circle cx="6" cy="${k * 20}" r="5" fill="${PALETTE[k % PALETTE.length]}"/><text x="16" y="${k * 20 + 4}">${xmlEscape(g)}</text>`));
    out.push(`</g>`);
  }
  out.push(`</svg>`);
  return out.join('\n') + '\n';
}
