// Recipe registry: a recipe turns a tokenizer's vocabulary into raw rows (bits or floats) and says how they are
// reduced (PCA settings) and normalised. buildEmbeddings() dispatches on the recipe name; recipes register
// themselves with registerRecipe() (bvv241-* here, shaped/ablations in extras).
import { GlyphEmbeddingsError } from '../errors.js';
import type { GlyphFont } from '../font/font.js';
import type { GlyphImage, ProgressFn, TokenizerLike as Tokenizer } from '../types.js';

/**
 * Raw rows produced by a recipe, before PCA. `bits`: 0/1 features packed 32 per Uint32 word, row-major with
 * `wordsPerRow = ceil(dim / 32)`, feature k of row r = bit (k & 31) of `words[r * wordsPerRow + (k >> 5)]`.
 * `float`: a dense `rows x dim` Float32Array.
 */
export type RowMatrix =
  | { kind: 'bits'; rows: number; dim: number; wordsPerRow: number; words: Uint32Array }
  | { kind: 'float'; rows: number; dim: number; data: Float32Array };

/** PCA settings of a recipe: `components` = k kept ('full' = all, i.e. centring + rotation only). */
export interface PcaSettings {
  components: number | 'full';
  /** Centre the columns before rotating (default true). */
  center?: boolean;
}

/** Options passed through buildEmbeddings to the recipe (recipe-specific keys allowed). */
export interface RecipeOptions {
  /** Primary font (visual recipes). */
  font?: GlyphFont;
  /** Fonts tried, in order, for code points the primary font lacks. */
  fallbackFonts?: GlyphFont[];
  /** Seed for recipes with randomness. */
  seed?: number;
  /** Override the PCA component count (where the recipe allows it). */
  components?: number | 'full';
  [key: string]: unknown;
}

/** Context handed to Recipe.produceRows. */
export interface ProduceContext {
  options: RecipeOptions;
  onProgress?: ProgressFn;
  /** Call once per token that had a code point no font could draw (it was drawn as .notdef). */
  reportMissing(tokenId: number, codePoint: number): void;
}

export interface Recipe {
  /** Registry key, e.g. `bvv241-2-3`. */
  readonly name: string;
  /** One-line description (README / metadata). */
  readonly description: string;
  /** True if the recipe draws glyphs (needs a font; buildEmbeddings loads defaultFont() when none is given). */
  readonly visual: boolean;
  /** Token cell size in px (visual recipes), e.g. {32, 32}. */
  cell?(options: RecipeOptions): { width: number; height: number };
  /** Length of each raw row. */
  rowDim(options: RecipeOptions, tok: Tokenizer): number;
  /** Produces all rows (row i = token id i). */
  produceRows(tok: Tokenizer, ctx: ProduceContext): Promise<RowMatrix> | RowMatrix;
  /** PCA to apply after produceRows, or null for none. */
  pca(options: RecipeOptions, tok: Tokenizer): PcaSettings | null;
  /** Row normalisation applied last. */
  normalise: 'l2' | 'none';
  /** Draws one token (visual recipes): grey image, 0 = ink. */
  renderToken?(font: GlyphFont, text: string, options: RecipeOptions & { squeeze?: boolean }): GlyphImage;
  /** Extra option values that change the output, for the cache key (fonts, seed, components are added already). */
  cacheKey?(options: RecipeOptions): string;
}

const registry = new Map<string, Recipe>();

/** Registers (or replaces, with `replace: true`) a recipe under its name. */
export function registerRecipe(recipe: Recipe, opts: { replace?: boolean } = {}): void {
  if (!recipe || typeof recipe.name !== 'string' || recipe.name === '') throw new GlyphEmbeddingsError('registerRecipe: recipe.name must be a non-empty string');
  if (registry.has(recipe.name) && !opts.replace) throw new GlyphEmbeddingsError(`registerRecipe: recipe '${recipe.name}' is already registered`);
  registry.set(recipe.name, recipe);
}

/** Looks a recipe up; throws naming the unknown name and the known ones. */
export function getRecipe(name: string): Recipe {
  const r = registry.get(name);
  if (!r) throw new GlyphEmbeddingsError(`unknown recipe '${name}'; known: ${[...registry.keys()].sort().join(', ')}`);
  return r;
}

/** Names of all registered recipes. */
export function listRecipes(): string[] {
  return [...registry.keys()].sort();
}

/** Helper for recipes: allocate a packed bit matrix. */
export function allocBits(rows: number, dim: number): Extract<RowMatrix, { kind: 'bits' }> {
  const wordsPerRow = Math.ceil(dim / 32);
  return { kind: 'bits', rows, dim, wordsPerRow, words: new Uint32Array(rows * wordsPerRow) };
}
