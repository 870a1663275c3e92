// renderToken(): draws one token string with a registered visual recipe (grey image, 0 = ink, 255 = paper).
import { GlyphEmbeddingsError } from './errors.js';
import type { GlyphFont } from './font/font.js';
import { ensureBuiltinRecipes } from './recipes/builtins.js';
import { getRecipe, type RecipeOptions } from './recipes/registry.js';
import type { GlyphImage } from './types.js';

export interface RenderOptions extends RecipeOptions {
  /** Recipe name, e.g. `bvv241-2-3` (default). */
  recipe?: string;
  /** bvv241: false returns the augmented strip before the NEAREST squeeze. Default true. */
  squeeze?: boolean;
}

/** Renders `text` as the recipe draws one token (after augmentation and squeeze for bvv241). */
export function renderToken(font: GlyphFont, text: string, opts: RenderOptions = {}): GlyphImage {
  if (typeof text !== 'string') throw new TypeError(`renderToken: text must be a string, got ${typeof text}`);
  ensureBuiltinRecipes();
  const recipe = getRecipe(opts.recipe ?? 'bvv241-2-3');
  if (!recipe.renderToken) throw new GlyphEmbeddingsError(`renderToken: recipe '${recipe.name}' does not draw tokens`);
  return recipe.renderToken(font, text, { ...opts, font });
}
