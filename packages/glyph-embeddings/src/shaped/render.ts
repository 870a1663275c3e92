// Renders a shaped token into a cell: anti-aliased coverage from the package's rasterizer, the layout box
// (advance x line height of the primary font, grown to include any ink outside it) fitted into the cell.
//   fit 'contain' (default): uniform scale, centred (a single Latin letter fills the cell height; long strings
//     shrink and keep their aspect ratio); 'stretch': x and y scaled separately to fill the cell (like the paper's
//     squeeze, but with area-averaged coverage instead of column sampling); 'ink': the ink box, uniform, centred.
// Missing glyphs are drawn with the .notdef glyph; a .notdef without outline is drawn as a hollow box.
import type { GlyphFont } from '../font/font.js';
import { Rasterizer, type Transform } from '../raster/rasterize.js';
import { PATH_CLOSE, PATH_LINE, PATH_MOVE, type GlyphImage } from '../types.js';
import { shapeText, type ShapeOptions, type ShapedText } from './shape.js';

export type ShapedFit = 'contain' | 'stretch' | 'ink';

export interface ShapedRenderOptions extends ShapeOptions {
  /** Cell size in px: a number for a square cell or { width, height }. Default 32. */
  cell?: number | { width: number; height: number };
  fit?: ShapedFit;
  /** Empty margin inside the cell, px on each side (default 0). */
  padding?: number;
}

export interface ShapedCoverage {
  width: number;
  height: number;
  /** Coverage 0..255, 255 = fully inked, row-major. */
  data: Uint8Array;
  /** Code points no font had (drawn as .notdef). */
  missing: number[];
  shaped: ShapedText;
}

/** Normalises the `cell` option; throws naming the bad value. */
export function cellSize(cell: ShapedRenderOptions['cell']): { width: number; height: number } {
  const c = cell ?? 32;
  const w = typeof c === 'number' ? c : c.width, h = typeof c === 'number' ? c : c.height;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w < 1 || h < 1 || w > 4096 || h > 4096)
    throw new RangeError(`shaped: cell must be integer px in 1..4096, got ${JSON.stringify(cell)}`);
  return { width: w, height: h };
}

const rasterizers = new Map<string, Rasterizer>();
function rasterizer(w: number, h: number): Rasterizer {
  const k = `${w}x${h}`;
  let r = rasterizers.get(k);
  if (!r) { if (rasterizers.size > 8) rasterizers.clear(); r = new Rasterizer(w, h); rasterizers.set(k, r); }
  return r;
}

function boxPath(font: GlyphFont): Float64Array {
  const w = Math.max(1, font.advance(0) || font.upem / 2), t = font.upem * 0.06;
  const x0 = w * 0.1, x1 = w * 0.9, y0 = 0, y1 = font.ascender * 0.9;
  return new Float64Array([
    PATH_MOVE, x0, y0, PATH_LINE, x1, y0, PATH_LINE, x1, y1, PATH_LINE, x0, y1, PATH_CLOSE,
    PATH_MOVE, x0 + t, y0 + t, PATH_LINE, x0 + t, y1 - t, PATH_LINE, x1 - t, y1 - t, PATH_LINE, x1 - t, y0 + t, PATH_CLOSE,
  ]);
}

function outline(font: GlyphFont, gid: number): Float64Array {
  const p = font.glyphOutline(gid);
  return gid === 0 && p.length === 0 ? boxPath(font) : p;
}

/** Shapes and rasterizes `text` with the chain `fonts` into a coverage image of the cell. */
export function renderShapedCoverage(fonts: readonly GlyphFont[], text: string, opts: ShapedRenderOptions = {}): ShapedCoverage {
  const { width: W, height: H } = cellSize(opts.cell);
  const pad = opts.padding ?? 0;
  if (!(pad >= 0 && 2 * pad < Math.min(W, H))) throw new RangeError(`shaped: padding ${pad} does not fit the ${W}x${H} cell`);
  const fit = opts.fit ?? 'contain';
  if (fit !== 'contain' && fit !== 'stretch' && fit !== 'ink') throw new RangeError(`shaped: unknown fit '${String(fit)}'`);
  const shaped = shapeText(fonts, text, opts);
  const f0 = fonts[0];
  // ink box (em, y up)
  let ix0 = Infinity, ix1 = -Infinity, iy0 = Infinity, iy1 = -Infinity;
  for (const g of shaped.glyphs) {
    const font = fonts[g.font];
    let b = font.glyphBox(g.gid);
    if (g.gid === 0 && font.glyphOutline(0).length === 0) b = { xMin: 0, xMax: font.advance(0), yMin: 0, yMax: font.ascender };
    if (b.xMax === b.xMin && b.yMax === b.yMin) continue;
    const s = 1 / font.upem;
    ix0 = Math.min(ix0, g.x + b.xMin * s); ix1 = Math.max(ix1, g.x + b.xMax * s);
    iy0 = Math.min(iy0, g.y + b.yMin * s); iy1 = Math.max(iy1, g.y + b.yMax * s);
  }
  const r = rasterizer(W, H);
  r.clear();
  const hasInk = ix1 > ix0;
  let bx0: number, bx1: number, by0: number, by1: number;
  if (fit === 'ink' && hasInk) { bx0 = ix0; bx1 = ix1; by0 = iy0; by1 = iy1; } else {
    bx0 = 0; bx1 = shaped.advance; by0 = f0.descender / f0.upem; by1 = f0.ascender / f0.upem;
    if (hasInk) { bx0 = Math.min(bx0, ix0); bx1 = Math.max(bx1, ix1); by0 = Math.min(by0, iy0); by1 = Math.max(by1, iy1); }
  }
  let bw = bx1 - bx0, bh = by1 - by0;
  if (!(bh > 0)) bh = 1;
  if (!(bw > 0)) bw = bh;
  const aw = W - 2 * pad, ah = H - 2 * pad;
  let sx = aw / bw, sy = ah / bh;
  if (fit !== 'stretch') sx = sy = Math.min(sx, sy);
  const ox = pad + (aw - bw * sx) / 2 - bx0 * sx; // pixel x of em x = 0
  const oy = pad + (ah - bh * sy) / 2 + by1 * sy; // pixel y of the baseline
  if (hasInk) {
    for (const g of shaped.glyphs) {
      const font = fonts[g.font];
      const u = 1 / font.upem;
      const t: Transform = [sx * u, 0, 0, -sy * u, ox + g.x * sx, oy - g.y * sy];
      r.path(outline(font, g.gid), t);
    }
  }
  return { width: W, height: H, data: r.coverage(), missing: shaped.missing, shaped };
}

/** The shaped rendering as a GlyphImage (0 = ink, 255 = paper), like the bvv241 renderToken. */
export function renderShaped(font: GlyphFont, text: string, opts: ShapedRenderOptions & { fallbackFonts?: readonly GlyphFont[] } = {}): GlyphImage {
  const c = renderShapedCoverage([font, ...(opts.fallbackFonts ?? [])], text, opts);
  const data = new Uint8Array(c.data.length);
  for (let i = 0; i < data.length; i++) data[i] = 255 - c.data[i];
  return { width: c.width, height: c.height, data };
}
