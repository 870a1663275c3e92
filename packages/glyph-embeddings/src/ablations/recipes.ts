// The ablation recipes (paper follow-up collection), registered in the recipe registry:
//   random-binary  collision-free random n-bit codes (option `bits`, default 1024; seeded), no PCA, no norm
//   id-bits        the token id in n bits (option `bits`, default 16), MSB first, no PCA, no norm
//   random-float   seeded N(0,1) codes of `dim` (default 1024) -> PCA (`components`, default full) -> L2
// Bits are written as 0/1 floats unless `encoding: 'pm1'` (-1/+1). All are deterministic per seed (default 0).
import { GlyphEmbeddingsError } from '../errors.js';
import { registerRecipe, getRecipe, type Recipe, type RecipeOptions } from '../recipes/registry.js';
import { idBitsCodes, randomBinaryCodes, randomFloatCodes, type BitEncoding } from './codes.js';

function intOption(o: RecipeOptions, key: string, def: number, recipe: string, lo: number, hi: number): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new GlyphEmbeddingsError(`recipe ${recipe}: option '${key}' must be an integer in ${lo}..${hi}, got ${JSON.stringify(v)}`);
  return v;
}
function encodingOption(o: RecipeOptions, recipe: string): BitEncoding {
  const v = o.encoding ?? '01';
  if (v !== '01' && v !== 'pm1') throw new GlyphEmbeddingsError(`recipe ${recipe}: option 'encoding' must be '01' or 'pm1', got ${JSON.stringify(v)}`);
  return v;
}
function seedOption(o: RecipeOptions, recipe: string): number {
  const s = o.seed ?? 0;
  if (typeof s !== 'number' || !Number.isSafeInteger(s)) throw new GlyphEmbeddingsError(`recipe ${recipe}: option 'seed' must be a safe integer, got ${JSON.stringify(s)}`);
  return s;
}

export const randomBinaryRecipe: Recipe = {
  name: 'random-binary',
  description: 'collision-free random n-bit codes (seeded; option bits, default 1024), 0/1 or ±1, no PCA, no normalisation',
  visual: false,
  rowDim: (o) => intOption(o, 'bits', 1024, 'random-binary', 1, 4096),
  produceRows(tok, ctx) {
    const bits = intOption(ctx.options, 'bits', 1024, 'random-binary', 1, 4096);
    const m = randomBinaryCodes(tok.vocabSize, bits, seedOption(ctx.options, 'random-binary'), encodingOption(ctx.options, 'random-binary'));
    return { kind: 'float', rows: m.rows, dim: m.dim, data: m.data };
  },
  pca: () => null,
  normalise: 'none',
  cacheKey: (o) => `bits=${intOption(o, 'bits', 1024, 'random-binary', 1, 4096)};enc=${encodingOption(o, 'random-binary')}`,
};

export const idBitsRecipe: Recipe = {
  name: 'id-bits',
  description: 'the token id as n bits (option bits, default 16), MSB first, 0/1 or ±1, no PCA, no normalisation',
  visual: false,
  rowDim: (o) => intOption(o, 'bits', 16, 'id-bits', 1, 52),
  produceRows(tok, ctx) {
    const bits = intOption(ctx.options, 'bits', 16, 'id-bits', 1, 52);
    if (tok.vocabSize > 2 ** bits) throw new GlyphEmbeddingsError(`recipe id-bits: vocabulary of ${tok.vocabSize} ids does not fit in ${bits} bits`);
    const m = idBitsCodes(tok.vocabSize, bits, encodingOption(ctx.options, 'id-bits'));
    return { kind: 'float', rows: m.rows, dim: m.dim, data: m.data };
  },
  pca: () => null,
  normalise: 'none',
  cacheKey: (o) => `bits=${intOption(o, 'bits', 16, 'id-bits', 1, 52)};enc=${encodingOption(o, 'id-bits')}`,
};

export const randomFloatRecipe: Recipe = {
  name: 'random-float',
  description: 'seeded N(0,1) codes of option dim (default 1024) -> PCA (option components, default full) -> L2',
  visual: false,
  rowDim: (o) => intOption(o, 'dim', 1024, 'random-float', 1, 4096),
  produceRows(tok, ctx) {
    const dim = intOption(ctx.options, 'dim', 1024, 'random-float', 1, 4096);
    const m = randomFloatCodes(tok.vocabSize, dim, seedOption(ctx.options, 'random-float'));
    return { kind: 'float', rows: m.rows, dim: m.dim, data: m.data };
  },
  pca: (o) => ({ components: o.components ?? 'full', center: true }),
  normalise: 'l2',
  cacheKey: (o) => `dim=${intOption(o, 'dim', 1024, 'random-float', 1, 4096)}`,
};

/** Registers the three ablation recipes (idempotent; buildEmbeddings/renderToken also register them on first use). */
export function registerAblationRecipes(): void {
  for (const r of [randomBinaryRecipe, idBitsRecipe, randomFloatRecipe]) {
    let present = false;
    try { present = getRecipe(r.name) === r; } catch { present = false; }
    if (!present) registerRecipe(r, { replace: true });
  }
}

