// Shared data types of @glyphlm/glyph-embeddings: the embedding matrix, token images and path commands.

/** A frozen embedding table: `rows x dim` float32, row-major, row i = token id i. */
export interface EmbeddingMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
  meta: EmbeddingMeta;
}

/** Metadata carried with a matrix (also written into safetensors metadata as JSON). */
export interface EmbeddingMeta {
  /** Recipe name, e.g. `bvv241-2-3`. */
  recipe: string;
  /** Tokenizer name and fingerprint (SHA-256 hex) the rows were built for. */
  tokenizer?: string;
  tokenizerFingerprint?: string;
  /** Font family/source and SHA-256 of the font file bytes (visual recipes only). */
  font?: string;
  fontHash?: string;
  /** Number of tokens with at least one code point no font in the chain had (drawn as .notdef). */
  missingGlyphTokens?: number;
  /** Up to 32 examples of missing code points (hex `U+XXXX`). */
  missingCodePoints?: string[];
  /** PCA summary: components kept, explained variance ratio (sum of kept), sign convention. */
  pca?: { components: number; inputDim: number; explainedVariance: number; signConvention: string } | null;
  /** Row normalisation applied last. */
  normalise?: 'l2' | 'none';
  /** Free-form extra fields (per recipe). */
  [key: string]: unknown;
}

/** An 8-bit grey image, row-major, `data[y * width + x]`; 0 = ink (black), 255 = paper (white), as in Pillow "L". */
export interface GlyphImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A flat list of path commands (font units or pixels, depending on the producer), encoded as numbers:
 * `0 x y` move-to, `1 x y` line-to, `2 cx cy x y` quadratic-to, `3 c1x c1y c2x c2y x y` cubic-to, `4` close.
 */
export type PathCommands = Float64Array;

export const PATH_MOVE = 0;
export const PATH_LINE = 1;
export const PATH_QUAD = 2;
export const PATH_CUBIC = 3;
export const PATH_CLOSE = 4;

/** Progress callback: `stage` names the pipeline step, `done`/`total` count its units (tokens, rows, ...). */
export type ProgressFn = (p: { stage: string; done: number; total: number }) => void;

/**
 * The part of @glyphlm/unicode-tokenizer's `Tokenizer` that embedding builders use (any full Tokenizer fits).
 * `tokenString(id)` is the surface string that is drawn; specials are drawn as their literal text.
 */
export interface TokenizerLike {
  readonly name?: string;
  readonly vocabSize: number;
  /** A stable hash of the vocabulary (part of the cache key). */
  readonly fingerprint: string;
  tokenString(id: number): string;
  isSpecial(id: number): boolean;
}
