// Glyph matrices for the command line: font resolution (a file, or the bundled UnifontEX) and buildEmbeddings
// with the on-disk cache (~/.cache/glyphlm or $GLYPHLM_CACHE), so a matrix is built once per machine.
import {
  buildEmbeddings, defaultFont, ensureBuiltinRecipes, listRecipes, type BuildResult, type GlyphFont,
} from '@glyphlm/glyph-embeddings';
import { fileCacheStore, loadFontFile } from '@glyphlm/glyph-embeddings/node';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';
import { UsageError } from './errors.js';
import { requireFile } from './files.js';

/** The font of `--font` (checked before any work), or the bundled default. */
export async function resolveFont(path: string | undefined): Promise<GlyphFont> {
  if (path === undefined) return defaultFont();
  requireFile(path, 'font file');
  return loadFontFile(path);
}

export interface MatrixRequest {
  recipe: string;
  font?: GlyphFont;
  components?: number;
  cache?: boolean;
  seed?: number;
  onProgress?: (p: { stage: string; done: number; total: number }) => void;
}

/** Builds (or reads from the cache) the matrix of `tok` under `recipe`. */
export async function buildMatrix(tok: Tokenizer, req: MatrixRequest): Promise<BuildResult> {
  ensureBuiltinRecipes();
  const known = listRecipes();
  if (!known.includes(req.recipe)) throw new UsageError(`unknown recipe '${req.recipe}' (known: ${known.join(', ')})`);
  const font = req.font ?? (await defaultFont());
  return buildEmbeddings(tok, {
    recipe: req.recipe,
    font,
    ...(req.components !== undefined ? { components: req.components } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    ...(req.cache === false ? {} : { cache: fileCacheStore() }),
    onProgress: req.onProgress,
  });
}
