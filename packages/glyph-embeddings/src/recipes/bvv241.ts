// The author's bvv241 recipes (reference-impl.md §2), faithfully: each code point in its own CELL px cell placed by
// Pillow's getbbox centring rule, the per-variant constant augmentation (Pillow 16.16 fixed-point NEAREST rotation,
// paste shift, MT19937 noise mask before the squeeze, threshold 128), the NEAREST column squeeze of multi-character
// strips, '\n' blank, specials drawn as their literal text, polar-snake bit order. Glyphs come from the font via
// harfbuzzjs nominal glyphs + our rasterizer. Rows are bits; PCA is full rank; rows are L2-normalised.
import type { GlyphFont } from '../font/font.js';
import { fontTransform, Rasterizer } from '../raster/rasterize.js';
import { MT19937 } from '../random/mt19937.js';
import type { GlyphImage, TokenizerLike } from '../types.js';
import { polarOrder } from './polar.js';
import { allocBits, type ProduceContext, type Recipe, type RecipeOptions, type RowMatrix } from './registry.js';

/** Constants of one bvv241 variant (reference-impl.md §2.2). */
export interface Bvv241Variant {
  name: 'bvv241-2-3' | 'bvv241-max' | 'bvv241-abs';
  /** Font size = cell size in px. */
  cell: number;
  /** Easy-script rotation range R (degrees), shift range S (px), noise probability. */
  rotation: number;
  shift: number;
  noiseEasy: number;
  /** Noise probability for complex-script tokens (no rotation, no shift). */
  noiseComplex: number;
}

export const BVV241_VARIANTS: Record<Bvv241Variant['name'], Bvv241Variant> = {
  'bvv241-2-3': { name: 'bvv241-2-3', cell: 32, rotation: 4, shift: 2, noiseEasy: 0.01, noiseComplex: 0.001 },
  'bvv241-max': { name: 'bvv241-max', cell: 32, rotation: 7, shift: 3, noiseEasy: 0.03, noiseComplex: 0.001 },
  'bvv241-abs': { name: 'bvv241-abs', cell: 64, rotation: 7, shift: 3, noiseEasy: 0.03, noiseComplex: 0.001 },
};

/** The reference's is_easy_script: every char in Latin(+ext A/B), Greek, Cyrillic(+supp), Armenian. */
export function isEasyScript(cps: readonly number[]): boolean {
  for (const c of cps) {
    if (!(c <= 0x024f || (c >= 0x0370 && c <= 0x03ff) || (c >= 0x0400 && c <= 0x052f) || (c >= 0x0530 && c <= 0x058f))) return false;
  }
  return true;
}

/** Augmentation constants: both PRNGs re-seeded with 42 at every call, so they are per (variant, class). */
export interface AugmentParams { angle: number; dx: number; dy: number; noise: number }

export function augmentParams(v: Bvv241Variant, easy: boolean): AugmentParams {
  if (!easy) return { angle: 0, dx: 0, dy: 0, noise: v.noiseComplex };
  const g = MT19937.python(42);
  const angle = g.uniform(-v.rotation, v.rotation);
  const dx = g.randint(-v.shift, v.shift);
  const dy = g.randint(-v.shift, v.shift);
  return { angle, dx, dy, noise: v.noiseEasy };
}

/** Python round(x, 15). */
function round15(x: number): number {
  return Number(x.toFixed(15));
}

/** Pillow Image.rotate(angle) (NEAREST, expand=0, centre W/2,H/2) as 16.16 fixed-point coefficients. */
export function pillowRotateFixed(angleDeg: number, w: number, h: number): { a0: number; a1: number; a2: number; a3: number; a4: number; a5: number } {
  const ang = -((angleDeg % 360) * Math.PI) / 180;
  const m = [round15(Math.cos(ang)), round15(Math.sin(ang)), 0, round15(-Math.sin(ang)), round15(Math.cos(ang)), 0];
  const cx = w / 2, cy = h / 2;
  m[2] = m[0] * -cx + m[1] * -cy + m[2];
  m[5] = m[3] * -cx + m[4] * -cy + m[5];
  m[2] += cx;
  m[5] += cy;
  const FIX = (v: number) => Math.floor(v * 65536 + 0.5);
  return { a0: FIX(m[0]), a1: FIX(m[1]), a3: FIX(m[3]), a4: FIX(m[4]), a2: FIX(m[2] + m[0] * 0.5 + m[1] * 0.5), a5: FIX(m[5] + m[3] * 0.5 + m[4] * 0.5) };
}

const noiseCache = new Map<string, Uint8Array>();
/** numpy seed(42); rand(H, W) < p, row-major (1 = pixel forced to ink). Cached per (W, H, p). */
export function noiseMask(w: number, h: number, p: number): Uint8Array {
  const key = `${w}x${h}@${p}`;
  let m = noiseCache.get(key);
  if (!m) {
    const g = MT19937.initGenrand(42);
    m = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) m[i] = g.random() < p ? 1 : 0;
    noiseCache.set(key, m);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// Glyph cells

/** One code point's ink inside the strip, relative to its cell origin (x0 may be negative or >= cell). */
interface CellGlyph { x0: number; y0: number; w: number; h: number; ink: Uint8Array; missing: boolean }

const EMPTY: CellGlyph = { x0: 0, y0: 0, w: 0, h: 0, ink: new Uint8Array(0), missing: false };

class CellGlyphs {
  private readonly map = new Map<number, CellGlyph>();
  constructor(readonly fonts: GlyphFont[], readonly cell: number) {}

  get(cp: number): CellGlyph {
    let g = this.map.get(cp);
    if (!g) {
      g = this.draw(cp);
      this.map.set(cp, g);
    }
    return g;
  }

  private draw(cp: number): CellGlyph {
    if (cp === 10) return EMPTY; // Pillow treats '\n' as a line break and draws nothing
    let font = this.fonts[0], gid: number | undefined;
    for (const f of this.fonts) {
      gid = f.glyphId(cp);
      if (gid !== undefined) { font = f; break; }
    }
    const missing = gid === undefined;
    if (gid === undefined) gid = 0; // .notdef of the primary font (what Pillow/FreeType draws)
    const C = this.cell;
    const k = C / font.upem;
    const asc = Math.ceil(font.ascender * k - 1e-9);
    const adv = Math.round(font.advance(gid) * k);
    const b = font.glyphBox(gid);
    const il = Math.floor(b.xMin * k + 1e-9), ir = Math.ceil(b.xMax * k - 1e-9);
    const ibot = Math.floor(b.yMin * k + 1e-9), itop = Math.ceil(b.yMax * k - 1e-9);
    // Pillow getbbox: pen line 0..advance and the baseline are included.
    const xmin = Math.min(0, il), xmax = Math.max(adv, ir), ymax = Math.max(0, itop), ymin = Math.min(0, ibot);
    const w = xmax - xmin, h = ymax - ymin, top = asc - ymax;
    const penX = Math.floor((C - w) / 2);
    const yTop = Math.floor((C - h) / 2) - top; // the ascender line
    const baseY = yTop + asc;
    if (b.xMax <= b.xMin || b.yMax <= b.yMin) return { ...EMPTY, missing };
    // Ink box in cell coordinates, clipped to rows 0..C and to the neighbour cells.
    const bx0 = Math.max(-C, penX + il), bx1 = Math.min(2 * C, penX + ir);
    const by0 = Math.max(0, baseY - itop), by1 = Math.min(C, baseY - ibot);
    if (bx1 <= bx0 || by1 <= by0) return { ...EMPTY, missing };
    const bw = bx1 - bx0, bh = by1 - by0;
    const r = new Rasterizer(bw, bh);
    r.path(font.glyphOutline(gid), fontTransform(k, penX - bx0, baseY - by0));
    const cov = r.coverage();
    const ink = new Uint8Array(bw * bh);
    // Pillow draws fill=0 with the coverage as alpha on white, then thresholds at 128.
    for (let i = 0; i < ink.length; i++) ink[i] = 255 - cov[i] < 128 ? 1 : 0;
    return { x0: bx0, y0: by0, w: bw, h: bh, ink, missing };
  }
}

const glyphCaches = new WeakMap<GlyphFont, Map<string, CellGlyphs>>();
function cellGlyphs(fonts: GlyphFont[], cell: number): CellGlyphs {
  let m = glyphCaches.get(fonts[0]);
  if (!m) { m = new Map(); glyphCaches.set(fonts[0], m); }
  const key = `${cell}|${fonts.map((f) => f.hash).join(',')}`;
  let c = m.get(key);
  if (!c) { c = new CellGlyphs(fonts, cell); m.set(key, c); }
  return c;
}

/** Draws a token's strip (n*CELL x CELL, 1 = ink) into `strip` (cleared first). Returns true if a glyph was missing. */
function drawStrip(glyphs: CellGlyphs, cps: readonly number[], strip: Uint8Array, W: number, H: number): boolean {
  strip.fill(0, 0, W * H);
  const C = glyphs.cell;
  let missing = false;
  for (let i = 0; i < cps.length; i++) {
    const g = glyphs.get(cps[i]);
    if (g.missing) missing = true;
    if (g.w === 0) continue;
    const ox = i * C + g.x0;
    const xa = Math.max(0, ox), xb = Math.min(W, ox + g.w);
    for (let y = 0; y < g.h; y++) {
      const srow = (g.y0 + y) * W, grow = y * g.w - ox;
      for (let x = xa; x < xb; x++) if (g.ink[grow + x]) strip[srow + x] = 1;
    }
  }
  return missing;
}

// ---------------------------------------------------------------------------------------------------------------
// Sampling maps: final polar bit k <- strip pixel (>= 0), WHITE or INK (noise).

const WHITE = -1, INK = -2;
const mapCache = new Map<string, Int32Array>();

/**
 * For a token of n chars and class easy/complex: for each polar bit k of the final CELL x CELL image, the strip
 * pixel it copies (rotation + shift + squeeze composed), or WHITE / INK (noise).
 */
function samplingMap(v: Bvv241Variant, easy: boolean, n: number): Int32Array {
  const key = `${v.name}|${easy ? 'e' : 'c'}|${n}`;
  let map = mapCache.get(key);
  if (map) return map;
  const C = v.cell, W = n * C, H = C;
  const p = augmentParams(v, easy);
  const rot = pillowRotateFixed(p.angle, W, H);
  const noise = noiseMask(W, H, p.noise);
  const order = polarOrder(C, C);
  map = new Int32Array(C * C);
  for (let k = 0; k < order.length; k++) {
    const X = order[k] % C, Y = (order[k] - X) / C;
    const xs = n > 1 ? X * n + (n >> 1) : X, ys = Y;
    let src: number;
    if (noise[ys * W + xs]) src = INK;
    else src = rotatedSource(rot, xs - p.dx, ys - p.dy, W, H);
    map[k] = src;
  }
  mapCache.set(key, map);
  return map;
}

/** Source strip index of pixel (x, y) of the rotated image, or WHITE outside (also for x/y outside the canvas). */
function rotatedSource(rot: ReturnType<typeof pillowRotateFixed>, x: number, y: number, W: number, H: number): number {
  if (x < 0 || x >= W || y < 0 || y >= H) return WHITE;
  const xx = rot.a2 + y * rot.a1 + x * rot.a0;
  const yy = rot.a5 + y * rot.a4 + x * rot.a3;
  const xin = Math.floor(xx / 65536), yin = Math.floor(yy / 65536);
  if (xin < 0 || xin >= W || yin < 0 || yin >= H) return WHITE;
  return yin * W + xin;
}

// ---------------------------------------------------------------------------------------------------------------
// Public pieces

function fontsOf(options: RecipeOptions, font?: GlyphFont): GlyphFont[] {
  const primary = font ?? options.font;
  if (!primary) throw new Error('bvv241 recipe: no font given');
  return [primary, ...(options.fallbackFonts ?? [])];
}

/**
 * Renders a token the reference way: grey image (0 = ink, 255 = paper). `squeeze: false` returns the augmented
 * n*CELL x CELL strip before the NEAREST squeeze (the golden "-strip" images).
 */
export function renderBvv241(v: Bvv241Variant, fonts: GlyphFont[], text: string, squeeze = true): GlyphImage {
  const cps = Array.from(text, (ch) => ch.codePointAt(0)!);
  const n = Math.max(1, cps.length);
  const C = v.cell, W = n * C, H = C;
  const strip = new Uint8Array(W * H);
  drawStrip(cellGlyphs(fonts, C), cps, strip, W, H);
  const p = augmentParams(v, isEasyScript(cps));
  const rot = pillowRotateFixed(p.angle, W, H);
  const noise = noiseMask(W, H, p.noise);
  const aug = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      let ink: number;
      if (noise[i]) ink = 1;
      else {
        const s = rotatedSource(rot, x - p.dx, y - p.dy, W, H);
        ink = s >= 0 ? strip[s] : 0;
      }
      aug[i] = ink ? 0 : 255;
    }
  }
  if (!squeeze || n === 1) return { width: W, height: H, data: aug };
  const out = new Uint8Array(C * C);
  for (let y = 0; y < C; y++) for (let x = 0; x < C; x++) out[y * C + x] = aug[y * W + x * n + (n >> 1)];
  return { width: C, height: C, data: out };
}

/** Produces the packed polar bit rows of every token of `tok`. */
export function bvv241Rows(v: Bvv241Variant, tok: TokenizerLike, ctx: ProduceContext): Extract<RowMatrix, { kind: "bits" }> {
  const fonts = fontsOf(ctx.options);
  const glyphs = cellGlyphs(fonts, v.cell);
  const C = v.cell, dim = C * C, rows = tok.vocabSize;
  const m = allocBits(rows, dim);
  const { words, wordsPerRow } = m;
  let strip = new Uint8Array(8 * C * C);
  const step = Math.max(1, Math.floor(rows / 64));
  for (let id = 0; id < rows; id++) {
    const s = tok.tokenString(id);
    const cps: number[] = [];
    for (const ch of s) cps.push(ch.codePointAt(0)!);
    if (cps.length === 0) continue;
    const n = cps.length, W = n * C;
    if (strip.length < W * C) strip = new Uint8Array(W * C * 2);
    if (drawStrip(glyphs, cps, strip, W, C)) {
      for (const cp of cps) if (!fonts.some((f) => f.hasCodePoint(cp)) && cp !== 10) { ctx.reportMissing(id, cp); break; }
    }
    const map = samplingMap(v, isEasyScript(cps), n);
    const base = id * wordsPerRow;
    for (let w = 0; w < wordsPerRow; w++) {
      let word = 0;
      const k0 = w << 5, k1 = Math.min(dim, k0 + 32);
      for (let k = k0; k < k1; k++) {
        const src = map[k];
        if (src === INK || (src >= 0 && strip[src] === 1)) word |= 1 << (k - k0);
      }
      words[base + w] = word >>> 0;
    }
    if (ctx.onProgress && (id % step === 0 || id === rows - 1)) ctx.onProgress({ stage: 'render', done: id + 1, total: rows });
  }
  return m;
}

function makeRecipe(v: Bvv241Variant): Recipe {
  return {
    name: v.name,
    description: `${v.name}: the author's frozen glyph matrix (${v.cell} px cells, ${v.cell * v.cell} polar bits, full-rank PCA, L2)`,
    visual: true,
    cell: () => ({ width: v.cell, height: v.cell }),
    rowDim: () => v.cell * v.cell,
    produceRows: (tok, ctx) => bvv241Rows(v, tok, ctx),
    pca: (o) => ({ components: o.components ?? 'full' }),
    normalise: 'l2',
    renderToken: (font, text, o) => renderBvv241(v, fontsOf(o, font), text, o.squeeze !== false),
  };
}

/** The three bvv241 recipes (registered by ensureBuiltinRecipes()). */
export const BVV241_RECIPES: readonly Recipe[] = Object.values(BVV241_VARIANTS).map(makeRecipe);
