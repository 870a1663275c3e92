// Splitting activations into attention heads and merging them back, the one home of the per-(row, head) layout the
// tfjs paths use: [B*T, H*hd] <-> pieces [T, hd], index b * H + h (one 2-D tensor per (row, head), because
// tfjs-wasm's batched matMul is ~20x slower than 2-D ones). Differentiable (split/concat).
import { tf } from './tf.js';

/** [B*T, H*hd] -> B*H pieces [T, hd], index b * H + h; ragged rows: row b has rowLengths[b] of the rows. */
export function splitHeads(x: tf.Tensor, B: number, H: number, rowLengths: readonly number[] | null = null): tf.Tensor[] {
  const byHead = H === 1 ? [x] : tf.split(x, H, 1);
  const out: tf.Tensor[] = new Array(B * H);
  byHead.forEach((piece, h) => {
    const rows = B === 1 ? [piece] : tf.split(piece, rowLengths ? [...rowLengths] : B, 0);
    rows.forEach((r, b) => { out[b * H + h] = r; });
  });
  return out;
}

/** Inverse of splitHeads: B*H pieces [T, hd] (index b * H + h; ragged rows too) -> [B*T, H*hd]. */
export function mergeHeads(pieces: tf.Tensor[], B: number, H: number): tf.Tensor {
  const rows: tf.Tensor[] = [];
  for (let b = 0; b < B; b++) {
    const hs = pieces.slice(b * H, (b + 1) * H);
    rows.push(H === 1 ? hs[0] : tf.concat(hs, 1));
  }
  return B === 1 ? rows[0] : tf.concat(rows, 0);
}
