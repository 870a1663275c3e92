// @glyphlm/glyph-embeddings: fonts -> glyph rasters -> (PCA, L2) -> frozen embedding matrices.
// Browser-safe entry point; Node-only helpers (file cache, font files, worker threads) live in `./node`, the tools
// for seeing a matrix (glyph sheets, 2-D maps, SVG/PNG writers) in `./viz`.
export * from './types.js';
export { GlyphEmbeddingsError } from './errors.js';
export { GlyphFont, loadFont, type GlyphBox, type LoadFontOptions } from './font/font.js';
export { sniffFontFormat, woffToSfnt, type FontFormat } from './font/sfnt.js';
export { sha256Hex } from './sha256.js';
export { defaultFont, DEFAULT_FONT_SPECIFIER, type DefaultFontOptions } from './font/default.js';
export { Rasterizer, rasterizePath, fontTransform, IDENTITY, type Transform } from './raster/rasterize.js';
export {
  registerRecipe, getRecipe, listRecipes, allocBits,
  type Recipe, type RecipeOptions, type RowMatrix, type PcaSettings, type ProduceContext,
} from './recipes/registry.js';
export {
  fitPca, pcaFromCovariance, covarianceFromScatter, scatter, projectRowsJS, bitsRowToFloat, l2NormalizeRows,
  symmetricEigen, applySignConvention, SIGN_CONVENTION, type PcaModel, type SymmetricEigen,
} from './pca/pca.js';
export { MT19937 } from './random/mt19937.js';
export { renderToken, type RenderOptions } from './render.js';
export { ensureBuiltinRecipes } from './recipes/builtins.js';
export {
  BVV241_VARIANTS, BVV241_RECIPES, bvv241Rows, renderBvv241, isEasyScript, augmentParams, pillowRotateFixed, noiseMask,
  type Bvv241Variant, type AugmentParams,
} from './recipes/bvv241.js';
export { polarOrder, polarBits, bitsToHex } from './recipes/polar.js';
export { buildEmbeddings, BUILD_VERSION, type BuildOptions, type BuildResult, type BuildTimings, type ParallelProvider } from './build.js';
export { toSafetensors, fromSafetensors, TENSOR_NAME } from './safetensors.js';
export { memoryCacheStore, cacheKey, frameCacheEntry, unframeCacheEntry, type CacheStore } from './cache.js';
export { setWasmPaths } from './compute/wasm.js';
export * from './extras.js';
