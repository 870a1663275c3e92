// @glyphlm/glyph-embeddings/viz: the tools for seeing a matrix, kept out of the main entry so a user who only
// builds matrices does not ship them (nor umap-js): glyph contact sheets, 2-D maps (PCA, t-SNE, UMAP) as SVG or PNG,
// the paper's 40-word map, and the PNG encoder they write with. Browser-safe (no Node built-ins).
export { encodePng, crc32, type RasterImage } from './viz/png.js';
export { zlibDeflate, adler32, type DeflateLevel } from './viz/deflate.js';
export { map2d, pca2, gatherRows, type Map2dMethod, type Map2dOptions, type Map2dPoint } from './viz/map2d.js';
export { tsne, tsneKl, type TsneOptions } from './viz/tsne.js';
export { map2dSvg, xmlEscape, PALETTE, type Map2dSvgOptions } from './viz/svg.js';
export { map2dPng, map2dImage, type Map2dPngOptions } from './viz/mappng.js';
export { glyphSheet, glyphSheetImage, type GlyphSheetOptions } from './viz/sheet.js';
export { MAP_WORD_GROUPS, mapWords, stringListTokenizer } from './viz/words.js';
export { wordMap, type WordMap, type WordMapOptions } from './viz/wordmap.js';
export type { DenseRows } from './nearest.js';
