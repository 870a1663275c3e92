// glyphSheet(): a PNG contact sheet of token images (what the model's frozen rows were made from), with each
// tile's id (or any caption) drawn underneath by the shaped renderer. Tiles come from any visual recipe's
// renderToken ('shaped' by default, or e.g. 'bvv241-2-3'), nearest-upscaled by an integer factor.
import type { GlyphFont } from '../font/font.js';
import { defaultFont } from '../font/default.js';
import { getRecipe, type RecipeOptions } from '../recipes/registry.js';
import { ensureBuiltinRecipes } from '../recipes/builtins.js';
import type { GlyphImage, TokenizerLike } from '../types.js';
import { renderShapedCoverage } from '../shaped/render.js';
import { shapedRecipe } from '../shaped/recipe.js';
import { encodePng, type RasterImage } from './png.js';

export interface GlyphSheetOptions {
  /** Primary font (default: defaultFont(), UnifontEX). */
  font?: GlyphFont;
  /** Fallback chain for the shaped recipe and the captions. */
  fallbackFonts?: GlyphFont[];
  /** Visual recipe whose renderToken draws the tiles (default 'shaped'). */
  recipe?: string;
  /** Options for that recipe (e.g. { cell: 48 } for shaped). */
  recipeOptions?: RecipeOptions;
  /** Tiles per row (default ceil(sqrt(n)) capped at 32). */
  cols?: number;
  /** Integer nearest-neighbour upscaling of each tile (default 2 for tiles <= 32 px, else 1). */
  scale?: number;
  /** Gap between tiles in px (default 6). */
  gap?: number;
  /** Caption under each tile: false for none, or a function; default the id. */
  caption?: false | ((id: number, text: string) => string);
  /** Caption height in px (default 16: UnifontEX is pixel-exact there). */
  captionHeight?: number;
}

function tileOf(recipe: string, font: GlyphFont, text: string, options: RecipeOptions): GlyphImage {
  if (recipe !== 'shaped') ensureBuiltinRecipes();
  const r = recipe === 'shaped' ? shapedRecipe : getRecipe(recipe);
  if (!r.renderToken) throw new RangeError(`glyphSheet: recipe '${recipe}' cannot draw tokens (not a visual recipe)`);
  return r.renderToken(font, text, { ...options, font });
}

/** Builds the contact sheet as a grey image (0 = ink, 255 = paper). */
export async function glyphSheetImage(tok: TokenizerLike, ids: ArrayLike<number>, opts: GlyphSheetOptions = {}): Promise<RasterImage> {
  const n = ids.length;
  if (n === 0) throw new RangeError('glyphSheet: no ids given');
  const font = opts.font ?? (await defaultFont());
  const recipe = opts.recipe ?? 'shaped';
  const ropts: RecipeOptions = { ...(opts.recipeOptions ?? {}), fallbackFonts: opts.fallbackFonts ?? (opts.recipeOptions?.fallbackFonts as GlyphFont[] | undefined) };
  const tiles: GlyphImage[] = [];
  const texts: string[] = [];
  for (let t = 0; t < n; t++) {
    const id = ids[t];
    if (!Number.isInteger(id) || id < 0 || id >= tok.vocabSize) throw new RangeError(`glyphSheet: id ${id} (position ${t}) is out of range 0..${tok.vocabSize - 1}`);
    const text = tok.tokenString(id);
    texts.push(text);
    tiles.push(tileOf(recipe, font, text, ropts));
  }
  const tw = Math.max(...tiles.map((x) => x.width)), th = Math.max(...tiles.map((x) => x.height));
  const scale = opts.scale ?? (Math.max(tw, th) <= 32 ? 2 : 1);
  if (!Number.isInteger(scale) || scale < 1 || scale > 16) throw new RangeError(`glyphSheet: scale must be an integer in 1..16, got ${scale}`);
  const gap = opts.gap ?? 6;
  const capH = opts.caption === false ? 0 : opts.captionHeight ?? 16;
  const cols = opts.cols ?? Math.min(32, Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / cols);
  const cellW = Math.max(tw * scale, capH ? 40 : 0), cellH = th * scale + capH;
  const W = gap + cols * (cellW + gap), H = gap + rows * (cellH + gap);
  const data = new Uint8Array(W * H).fill(255);
  const chain = [font, ...(opts.fallbackFonts ?? [])];
  for (let t = 0; t < n; t++) {
    const cx = gap + (t % cols) * (cellW + gap), cy = gap + Math.floor(t / cols) * (cellH + gap);
    const img = tiles[t];
    const ox = cx + Math.floor((cellW - img.width * scale) / 2), oy = cy + Math.floor((th - img.height) * scale / 2);
    // tile frame (light grey) around the token image area
    const fx0 = cx + Math.floor((cellW - tw * scale) / 2) - 1, fx1 = fx0 + tw * scale + 1, fy0 = cy - 1, fy1 = cy + th * scale;
    for (let x = Math.max(0, fx0); x <= Math.min(W - 1, fx1); x++) { if (fy0 >= 0) data[fy0 * W + x] = 200; data[fy1 * W + x] = 200; }
    for (let y = Math.max(0, fy0); y <= fy1; y++) { if (fx0 >= 0) data[y * W + fx0] = 200; if (fx1 < W) data[y * W + fx1] = 200; }
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
      const v = img.data[y * img.width + x];
      for (let dy = 0; dy < scale; dy++) {
        const row = (oy + y * scale + dy) * W + ox + x * scale;
        for (let dx = 0; dx < scale; dx++) data[row + dx] = v;
      }
    }
    if (capH) {
      const label = opts.caption ? opts.caption(ids[t], texts[t]) : String(ids[t]);
      const cov = renderShapedCoverage(chain, label, { cell: { width: cellW, height: capH } }).data;
      const by = cy + th * scale + 1;
      for (let y = 0; y < capH && by + y < H; y++) for (let x = 0; x < cellW; x++) {
        const a = cov[y * cellW + x];
        if (a) { const p = (by + y) * W + cx + x; data[p] = Math.min(data[p], 255 - a); }
      }
    }
  }
  return { width: W, height: H, channels: 1, data };
}

/** PNG bytes of the contact sheet of `ids` (see GlyphSheetOptions). */
export async function glyphSheet(tok: TokenizerLike, ids: ArrayLike<number>, opts: GlyphSheetOptions = {}): Promise<Uint8Array> {
  return encodePng(await glyphSheetImage(tok, ids, opts));
}
