// Extras of @glyphlm/glyph-embeddings beyond the paper's recipes: the `shaped` recipe (HarfBuzz shaping of whole
// tokens), the ablation codes and recipes (random-binary, id-bits, random-float, repeat_interleave lift), and the
// tools for seeing a matrix (glyph contact sheets, cosine neighbours, 2-D maps as SVG/PNG, a PNG encoder).
// The Recipe objects exported here (`shaped`, `random-binary`, `id-bits`, `random-float`) are registered by
// recipes/builtins.ts on first use (no import side effects).

// ablations
export { seededRng, type SeededRng } from './ablations/rng.js';
export { detExp, detLog } from './ablations/detmath.js';
export { idBitsCodes, randomBinaryCodes, randomFloatCodes, type BitEncoding, type CodeMatrix } from './ablations/codes.js';
export { liftRepeatInterleave, type LiftableMatrix } from './ablations/lift.js';
export { randomBinaryRecipe, idBitsRecipe, randomFloatRecipe, registerAblationRecipes } from './ablations/recipes.js';

// shaped
export { itemize, scriptOf, isRtlScript, type Segment } from './shaped/itemize.js';
export { shapeText, type ShapeOptions, type PlacedGlyph, type ShapedText } from './shaped/shape.js';
export {
  renderShaped, renderShapedCoverage, cellSize as shapedCellSize,
  type ShapedRenderOptions, type ShapedCoverage, type ShapedFit,
} from './shaped/render.js';
export { shapedRecipe, shapedOptions, registerShapedRecipe } from './shaped/recipe.js';

// viz
export { encodePng, crc32, type RasterImage } from './viz/png.js';
export { zlibDeflate, adler32 } from './viz/deflate.js';
export { nearest, cosineRows, type Neighbour, type DenseRows } from './viz/nearest.js';
export { map2d, pca2, gatherRows, type Map2dMethod, type Map2dOptions, type Map2dPoint } from './viz/map2d.js';
export { tsne, tsneKl, type TsneOptions } from './viz/tsne.js';
export { map2dSvg, xmlEscape, PALETTE, type Map2dSvgOptions } from './viz/svg.js';
export { map2dPng, map2dImage, type Map2dPngOptions } from './viz/mappng.js';
export { glyphSheet, glyphSheetImage, type GlyphSheetOptions } from './viz/sheet.js';
export { MAP_WORD_GROUPS, mapWords, stringListTokenizer } from './viz/words.js';
export { wordMap, type WordMap, type WordMapOptions } from './viz/wordmap.js';
