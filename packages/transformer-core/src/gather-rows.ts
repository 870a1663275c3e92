// The embedding lookup: rows of a (possibly sharded) table by id, through the backend's GATHER_ROWS kernel where it
// has one (wasm: wasm/gather-rows.ts), with gather's gradient for trainable tables.
import { tf } from './tf.js';
import { customGrad } from './custom-grad.js';
import { hasFastKernel } from './fast-paths.js';
import { GATHER_ROWS, runGatherRows } from './fast-kernels.js';
import type { Sharded } from './weights.js';

/** Row gather from a row-sharded table: the rows of `ids` in order (differentiable through tf.gather). */
export function gatherRows(table: Sharded, ids: Int32Array): tf.Tensor2D {
  return tf.tidy(() => {
    if (table.parts.length === 1) return gatherPart(table.parts[0], ids) as tf.Tensor2D;
    const pieces: tf.Tensor[] = [];
    const order: number[] = [];
    table.parts.forEach((p, s) => {
      const lo = table.offsets[s];
      const hi = lo + p.shape[0];
      const local: number[] = [];
      for (let i = 0; i < ids.length; i++) if (ids[i] >= lo && ids[i] < hi) { local.push(ids[i] - lo); order.push(i); }
      if (local.length) pieces.push(gatherPart(p, Int32Array.from(local)));
    });
    const inv = new Int32Array(ids.length);
    order.forEach((src, k) => { inv[src] = k; });
    const cat = pieces.length === 1 ? pieces[0] : tf.concat(pieces, 0);
    return gatherPart(cat, inv) as tf.Tensor2D;
  });
}

/**
 * tf.gather(table, ids) along rows, through the backend's GATHER_ROWS kernel where it has one (wasm: one copy per row
 * instead of an index computation per element), with gather's gradient (a segment sum of dy into the ids' rows).
 */
function gatherPart(table: tf.Tensor, ids: Int32Array): tf.Tensor {
  if (table.dtype !== 'float32' || table.rank !== 2 || !hasFastKernel(GATHER_ROWS)) return tf.gather(table, tf.tensor1d(ids, 'int32'));
  const rows = table.shape[0];
  return customGrad((t: tf.Tensor, save: tf.GradSaveFunc) => {
    const idsT = tf.tensor1d(ids, 'int32');
    save([idsT]);
    return { value: runGatherRows(t, idsT), gradFunc: (dy: tf.Tensor, [sIds]: tf.Tensor[]) => tf.unsortedSegmentSum(dy, sIds as tf.Tensor1D, rows) };
  })(table);
}
