// The computation shared by the Node and browser parity tests of the shaped pipeline: render a token list with a
// font chain and hash the renders; build a small matrix of the same tokens through the public buildEmbeddings
// ('shaped' recipe, PCA k, L2, plain-JS compute) and hash its float32 bytes; draw a glyph sheet of the first tokens
// as PNG (the tests decode it and hash the pixels, so the golden does not depend on the deflate implementation).
// PARITY_GOLDEN holds the digests both tests assert: if a deliberate change to rendering or PCA moves them, update
// them here (once, for both).
import { buildEmbeddings } from '../build.js';
import type { GlyphFont } from '../font/font.js';
import { sha256Hex } from '../sha256.js';
import { stringListTokenizer } from '../viz/words.js';
import { glyphSheet } from '../viz/sheet.js';
import { renderShapedCoverage } from './render.js';
import { sampleTokenStrings } from './sample.js';

export const PARITY_SETUP = { tokens: 1200, sampleSeed: 2025, cell: 16, components: 32 } as const;

export const PARITY_GOLDEN = {
  /** SHA-256 of the 1,200 16x16 coverage renders (DejaVuSans + UnifontEX fallback). */
  render: '3d5e4baf0292400148bc689f1578832f5eedef030e6a7d2039f83db8c0e4c1a0',
  /** SHA-256 of the 1,200 x 32 float32 matrix (little-endian). */
  matrix: 'cb21930e595ff7df8816e239e3366c1f09aa93fe19ba5140b6b7375b1fb30e51',
  /**
   * SHA-256 of the decoded 8-bit grey pixels of glyphSheet()'s PNG over the first 120 sample tokens (cell 24, 12
   * columns). Taken from the PNG written by the package's earlier hand-written deflate (whose bytes hashed to
   * 6d34f331...0e89): the fflate-written PNG must decode to the same pixels.
   */
  sheet: 'd33ef47824b27069ab7ae2cacf75e05d48648cf707e66aba7256cc99b80971ca',
  /** Width and height of that sheet in px. */
  sheetSize: [654, 706] as [number, number],
};

export interface ShapedDigest {
  tokens: number;
  missingTokens: number;
  renderDigest: string;
  matrixDigest: string;
  /** The glyph sheet PNG (the tests decode it; see PARITY_GOLDEN.sheet). */
  sheetPng: Uint8Array;
  explainedVariance: number;
}

/** Renders the parity sample with `fonts` (primary first), hashes the renders, builds and hashes the matrix. */
export async function shapedDigest(fonts: GlyphFont[]): Promise<ShapedDigest> {
  const texts = sampleTokenStrings(PARITY_SETUP.tokens, PARITY_SETUP.sampleSeed);
  const per = PARITY_SETUP.cell * PARITY_SETUP.cell;
  const all = new Uint8Array(per * texts.length);
  texts.forEach((t, i) => all.set(renderShapedCoverage(fonts, t, { cell: PARITY_SETUP.cell }).data, i * per));
  const tok = await stringListTokenizer(texts, 'parity-sample');
  const m = await buildEmbeddings(tok, {
    recipe: 'shaped', font: fonts[0], fallbackFonts: fonts.slice(1), cell: PARITY_SETUP.cell, components: PARITY_SETUP.components, compute: 'js',
  });
  const le = new Uint8Array(m.data.length * 4);
  const dv = new DataView(le.buffer);
  m.data.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  const sheet = await glyphSheet(tok, Array.from({ length: 120 }, (_, i) => i), { font: fonts[0], fallbackFonts: fonts.slice(1), cols: 12, recipeOptions: { cell: 24 } });
  return {
    sheetPng: sheet,
    tokens: m.rows, missingTokens: m.meta.missingGlyphTokens ?? -1,
    renderDigest: await sha256Hex(all), matrixDigest: await sha256Hex(le), explainedVariance: m.meta.pca?.explainedVariance ?? -1,
  };
}
