// map2dPng(): the 2-D map as an RGB PNG: anti-aliased dots in the group colours and labels drawn by the shaped
// renderer (so any script the font chain covers can be a label), plus a legend. Same layout as map2dSvg.
import type { GlyphFont } from '../font/font.js';
import { defaultFont } from '../font/default.js';
import { renderShapedCoverage } from '../shaped/render.js';
import { shapeText } from '../shaped/shape.js';
import type { Map2dPoint } from './map2d.js';
import { encodePng, type RasterImage } from './png.js';
import { PALETTE, layoutPoints, type Map2dSvgOptions } from './svg.js';

export interface Map2dPngOptions extends Map2dSvgOptions {
  font?: GlyphFont;
  fallbackFonts?: GlyphFont[];
}

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

function blend(img: RasterImage, x: number, y: number, rgb: [number, number, number], a: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height || a <= 0) return;
  const p = (y * img.width + x) * 3;
  for (let k = 0; k < 3; k++) img.data[p + k] = Math.round(img.data[p + k] * (1 - a) + rgb[k] * a);
}

function text(img: RasterImage, chain: GlyphFont[], s: string, x: number, yTop: number, px: number, rgb: [number, number, number]): void {
  if (!s) return;
  const w = Math.max(1, Math.ceil(shapeText(chain, s).advance * px) + 2);
  const cov = renderShapedCoverage(chain, s, { cell: { width: Math.min(w, 2048), height: px } }).data;
  const cw = Math.min(w, 2048);
  for (let j = 0; j < px; j++) for (let i = 0; i < cw; i++) { const a = cov[j * cw + i]; if (a) blend(img, x + i, yTop + j, rgb, a / 255); }
}

function dot(img: RasterImage, cx: number, cy: number, r: number, rgb: [number, number, number]): void {
  for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
    const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
    blend(img, x, y, rgb, Math.max(0, Math.min(1, r + 0.5 - d)));
  }
}

/** RGB image of labelled points. */
export async function map2dImage(points: readonly Map2dPoint[], opts: Map2dPngOptions = {}): Promise<RasterImage> {
  const width = opts.width ?? 900, height = opts.height ?? 700, px = opts.fontSize ?? 16;
  if (opts.labels && opts.labels.length !== points.length) throw new RangeError(`map2dPng: ${opts.labels.length} labels for ${points.length} points`);
  if (opts.groups && opts.groups.length !== points.length) throw new RangeError(`map2dPng: ${opts.groups.length} groups for ${points.length} points`);
  const chain = [opts.font ?? (await defaultFont()), ...(opts.fallbackFonts ?? [])];
  const img: RasterImage = { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(255) };
  const groupNames: string[] = [];
  for (const g of opts.groups ?? []) if (!groupNames.includes(g)) groupNames.push(g);
  const top = opts.title ? 30 : 0;
  if (opts.title) { const w = shapeText(chain, opts.title).advance * px; text(img, chain, opts.title, Math.round(width / 2 - w / 2), 6, px, [0, 0, 0]); }
  const { px: xs, py: ys } = layoutPoints(points, width - (groupNames.length ? 150 : 0), height - top, 40);
  points.forEach((p, i) => {
    const g = opts.groups ? groupNames.indexOf(opts.groups[i]) : 0;
    const rgb = hex(PALETTE[g % PALETTE.length]);
    const x = xs[i], y = ys[i] + top;
    dot(img, x, y, 4, rgb);
    text(img, chain, opts.labels ? opts.labels[i] : String(p.id), Math.round(x + 6), Math.round(y - px / 2), px, rgb);
  });
  groupNames.forEach((g, k) => {
    const rgb = hex(PALETTE[k % PALETTE.length]);
    const y = top + 20 + k * 22;
    dot(img, width - 134, y, 5, rgb);
    text(img, chain, g, width - 124, Math.round(y - px / 2), px, rgb);
  });
  return img;
}

/** PNG bytes of the 2-D map. */
export async function map2dPng(points: readonly Map2dPoint[], opts: Map2dPngOptions = {}): Promise<Uint8Array> {
  return encodePng(await map2dImage(points, opts));
}
