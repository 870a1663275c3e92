// wordMap(): the paper's 2-D analysis of a small word set (reference-impl.md §5: 40 English words in 7 groups,
// TSNE(2, perplexity=7, random_state=0)) on our matrices: each word is drawn whole by a visual recipe (`shaped`
// by default), the rows go through the recipe's PCA + L2 (buildEmbeddings), then map2d places them.
import { buildEmbeddings } from '../build.js';
import type { GlyphFont } from '../font/font.js';
import type { RecipeOptions } from '../recipes/registry.js';
import type { EmbeddingMatrix } from '../types.js';
import { map2d, type Map2dMethod, type Map2dPoint } from './map2d.js';
import { mapWords, stringListTokenizer } from './words.js';

export interface WordMapOptions {
  method?: Map2dMethod;
  seed?: number;
  perplexity?: number;
  /** Words and their groups (default: mapWords(), 40 words / 7 groups). */
  words?: { words: string[]; groups: string[] };
  recipe?: string;
  recipeOptions?: RecipeOptions;
  font?: GlyphFont;
  fallbackFonts?: GlyphFont[];
}

export interface WordMap {
  points: Map2dPoint[];
  labels: string[];
  groups: string[];
  matrix: EmbeddingMatrix;
}

/** Builds the word matrix and its 2-D map (t-SNE, perplexity 7, seed 0 by default, as the paper's notebook). */
export async function wordMap(opts: WordMapOptions = {}): Promise<WordMap> {
  const { words, groups } = opts.words ?? mapWords();
  const tok = await stringListTokenizer(words, 'map-words');
  const matrix = await buildEmbeddings(tok, {
    recipe: opts.recipe ?? 'shaped', cell: 32, ...(opts.recipeOptions ?? {}),
    ...(opts.font ? { font: opts.font } : {}), ...(opts.fallbackFonts ? { fallbackFonts: opts.fallbackFonts } : {}),
  });
  const ids = words.map((_, i) => i);
  const points = await map2d(matrix, ids, { method: opts.method ?? 'tsne', seed: opts.seed ?? 0, perplexity: opts.perplexity ?? 7 });
  return { points, labels: words, groups, matrix };
}
