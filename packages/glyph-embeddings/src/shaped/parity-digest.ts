// The computation shared by the Node and browser parity tests of the shaped pipeline: render a token list with a
// font chain, then build a small matrix (coverage rows -> PCA k -> L2, all plain float64 JS), and hash both.
// Also a useful check on any platform: equal digests mean byte-identical renders and matrices.
import type { GlyphFont } from '../font/font.js';
import { sha256Hex } from '../font/sfnt.js';
import { fitPca, l2NormalizeRows, projectRowsJS } from '../pca/pca.js';
import { renderShapedCoverage, type ShapedRenderOptions } from './render.js';

export interface ShapedDigest {
  tokens: number;
  missingTokens: number;
  /** SHA-256 of all coverage bytes, token after token. */
  renderDigest: string;
  /** SHA-256 of the little-endian float32 bytes of the first `matrixRows` rows after PCA(k) and L2. */
  matrixDigest: string;
  explainedVariance: number;
}

/** Renders `texts` with `fonts`, hashes the renders, and hashes a PCA(k)+L2 matrix built from the first matrixRows. */
export async function shapedDigest(fonts: GlyphFont[], texts: readonly string[], opts: ShapedRenderOptions & { matrixRows: number; k: number }): Promise<ShapedDigest> {
  const chunks: Uint8Array[] = [];
  let missingTokens = 0;
  for (const t of texts) { const c = renderShapedCoverage(fonts, t, opts); chunks.push(c.data); if (c.missing.length) missingTokens++; }
  const per = chunks[0].length;
  const all = new Uint8Array(per * chunks.length);
  chunks.forEach((c, i) => all.set(c, i * per));
  const rows = Math.min(opts.matrixRows, texts.length);
  const data = new Float32Array(rows * per);
  for (let i = 0; i < rows * per; i++) data[i] = all[i] / 255;
  const model = fitPca({ kind: 'float', rows, dim: per, data }, opts.k);
  const out = new Float32Array(rows * model.k);
  projectRowsJS({ kind: 'float', rows, dim: per, data }, model, out);
  l2NormalizeRows(out, rows, model.k);
  const le = new Uint8Array(out.length * 4);
  const dv = new DataView(le.buffer);
  out.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  const explainedVariance = model.explainedVarianceRatio.reduce((s, v) => s + v, 0);
  return { tokens: texts.length, missingTokens, renderDigest: await sha256Hex(all), matrixDigest: await sha256Hex(le), explainedVariance };
}
