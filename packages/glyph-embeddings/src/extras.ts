// Extras of @glyphlm/glyph-embeddings beyond the paper's recipes, re-exported by the main entry: the `shaped`
// recipe (HarfBuzz shaping of whole tokens), the ablation codes and recipes (random-binary, id-bits, random-float,
// repeat_interleave lift) and cosine nearest neighbours. The Recipe objects exported here (`shaped`,
// `random-binary`, `id-bits`, `random-float`) are registered by recipes/builtins.ts on first use (no import side
// effects). The tools for seeing a matrix (glyph sheets, 2-D maps, SVG/PNG writers) are the `./viz` subpath (viz.ts).

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

// nearest neighbours
export { nearest, cosineRows, type Neighbour, type DenseRows } from './nearest.js';
