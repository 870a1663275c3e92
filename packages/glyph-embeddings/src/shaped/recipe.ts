// The `shaped` recipe: every token string shaped whole by HarfBuzz (itemize.ts + shape.ts), drawn anti-aliased
// into a cell of any size (render.ts), rows = coverage / 255 (1 = ink), then PCA to `components` (default full =
// cell area) and L2. Options: cell (default 32), fit ('contain' | 'stretch' | 'ink'), padding, direction,
// features, fallbackFonts (tried in order for code points the primary font lacks), components.
// Tokens with code points no font has are drawn with .notdef and reported (meta.missingGlyphTokens).
import { GlyphEmbeddingsError } from '../errors.js';
import type { GlyphFont } from '../font/font.js';
import { getRecipe, registerRecipe, type Recipe, type RecipeOptions } from '../recipes/registry.js';
import { cellSize, renderShaped, renderShapedCoverage, type ShapedRenderOptions } from './render.js';

/** The shaped-render options read from recipe options (validated). */
export function shapedOptions(o: RecipeOptions): ShapedRenderOptions {
  const fit = o.fit ?? 'contain';
  if (fit !== 'contain' && fit !== 'stretch' && fit !== 'ink') throw new GlyphEmbeddingsError(`recipe shaped: option 'fit' must be contain, stretch or ink, got ${JSON.stringify(fit)}`);
  const direction = o.direction ?? 'auto';
  if (direction !== 'auto' && direction !== 'ltr' && direction !== 'rtl') throw new GlyphEmbeddingsError(`recipe shaped: option 'direction' must be auto, ltr or rtl, got ${JSON.stringify(direction)}`);
  const padding = o.padding ?? 0;
  if (typeof padding !== 'number' || !(padding >= 0)) throw new GlyphEmbeddingsError(`recipe shaped: option 'padding' must be a number >= 0, got ${JSON.stringify(padding)}`);
  const features = o.features ?? [];
  if (!Array.isArray(features) || features.some((f) => typeof f !== 'string')) throw new GlyphEmbeddingsError(`recipe shaped: option 'features' must be an array of strings`);
  let cell: ShapedRenderOptions['cell'];
  try { cell = cellSize(o.cell as ShapedRenderOptions['cell']); } catch (e) { throw new GlyphEmbeddingsError(`recipe shaped: option 'cell': ${(e as Error).message}`); }
  return { cell, fit, direction, padding, features: features as string[] };
}

function chain(o: RecipeOptions): GlyphFont[] {
  if (!o.font) throw new GlyphEmbeddingsError('recipe shaped: no font given (options.font)');
  return [o.font, ...(o.fallbackFonts ?? [])];
}

export const shapedRecipe: Recipe = {
  name: 'shaped',
  description: 'whole token shaped by HarfBuzz (scripts, bidi, marks, GSUB joining, font fallback), anti-aliased coverage in any cell, PCA to k, L2',
  visual: true,
  cell: (o) => cellSize(shapedOptions(o).cell),
  rowDim(o) { const c = cellSize(shapedOptions(o).cell); return c.width * c.height; },
  produceRows(tok, ctx) {
    const so = shapedOptions(ctx.options);
    const fonts = chain(ctx.options);
    const { width, height } = cellSize(so.cell);
    const dim = width * height, rows = tok.vocabSize;
    const data = new Float32Array(rows * dim);
    const step = Math.max(1, Math.min(4096, Math.floor(rows / 16)));
    for (let id = 0; id < rows; id++) {
      const c = renderShapedCoverage(fonts, tok.tokenString(id), so);
      const o = id * dim;
      for (let k = 0; k < dim; k++) data[o + k] = c.data[k] / 255;
      if (c.missing.length) ctx.reportMissing(id, c.missing[0]);
      if (ctx.onProgress && ((id + 1) % step === 0 || id + 1 === rows)) ctx.onProgress({ stage: 'render', done: id + 1, total: rows });
    }
    return { kind: 'float', rows, dim, data };
  },
  pca: (o) => ({ components: o.components ?? 'full', center: true }),
  normalise: 'l2',
  renderToken: (font, text, o) => renderShaped(font, text, { ...shapedOptions(o), fallbackFonts: o.fallbackFonts }),
  cacheKey(o) {
    const so = shapedOptions(o);
    const c = cellSize(so.cell);
    return `cell=${c.width}x${c.height};fit=${so.fit};pad=${so.padding};dir=${so.direction};feat=${(so.features ?? []).join(',')};fallback=${(o.fallbackFonts ?? []).map((f) => f.hash).join(',')}`;
  },
};

/** Registers the shaped recipe (idempotent; buildEmbeddings/renderToken also register them on first use). */
export function registerShapedRecipe(): void {
  let present = false;
  try { present = getRecipe('shaped') === shapedRecipe; } catch { present = false; }
  if (!present) registerRecipe(shapedRecipe, { replace: true });
}

