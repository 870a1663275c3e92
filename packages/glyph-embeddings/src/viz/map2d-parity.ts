// Shared by map2d.test.ts (Node) and the browser test: a fixed 60 x 24 matrix, its PCA / t-SNE / UMAP maps,
// and the SHA-256 of the float64 coordinates, so both platforms can assert the same digests.
import { sha256Hex } from '../sha256.js';
import { map2d, type Map2dMethod } from './map2d.js';
import { seededRng } from '../ablations/rng.js';

/** 60 rows x 24 dims from seeded integer-only noise (6 planted groups); no Math.sin, which differs by engine. */
export function parityMatrix(): { rows: number; dim: number; data: Float32Array } {
  const rows = 60, dim = 24, data = new Float32Array(rows * dim), r = seededRng(60);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) data[i * dim + j] = (j % 6 === i % 6 ? 1 : 0) + 0.6 * (r.float() - 0.5);
  return { rows, dim, data };
}

/** SHA-256 hex of the little-endian float64 (x, y) pairs of map2d(parityMatrix(), all ids, { method, seed: 5 }). */
export async function map2dDigest(method: Map2dMethod): Promise<string> {
  const m = parityMatrix();
  const pts = await map2d(m, Array.from({ length: m.rows }, (_, i) => i), { method, seed: 5, perplexity: 8 });
  const b = new Uint8Array(pts.length * 16), dv = new DataView(b.buffer);
  pts.forEach((p, i) => { dv.setFloat64(16 * i, p.x, true); dv.setFloat64(16 * i + 8, p.y, true); });
  return sha256Hex(b);
}
