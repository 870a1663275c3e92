// The GATHER_ROWS kernel on wasm (gather-rows.ts) through gather-rows.ts's gatherRows, against tf.gather (the path it
// replaces): 30 seeded tables (one part or row-sharded), ids with repeats, bit for bit; the gradient of a trainable
// table equals tf.gather's; an id outside the table is an error naming it; nothing is left allocated.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { withoutFastKernels } from '../fast-paths.js';
import { GATHER_ROWS, runGatherRows } from '../fast-kernels.js';
import { gatherRows } from '../gather-rows.js';
import { makeSharded } from '../weights.js';

describe('GATHER_ROWS kernel (wasm)', () => {
  onWasmWithKernel(GATHER_ROWS);

  it('equals tf.gather bit for bit, one part or sharded, and so does the gradient', async () => {
    const rng = new Rng(4242);
    for (let c = 0; c < 30; c++) {
      const R = 1 + Math.floor(rng.next() * 300), C = 1 + Math.floor(rng.next() * 40), N = 1 + Math.floor(rng.next() * 50);
      const data = Float32Array.from({ length: R * C }, () => rng.next() * 2 - 1);
      const ids = Int32Array.from({ length: N }, () => Math.floor(rng.next() * R));
      const weights = tf.randomNormal([N, C], 0, 1, 'float32', c);
      const before = tf.memory().numTensors;
      // one part (a variable: the gradient is checked) or row shards of at most maxBytes
      const init = tf.tensor2d(data, [R, C]);
      const table = tf.variable(init);
      init.dispose();
      const maxBytes = c % 2 === 0 ? 4 * R * C : 4 * C * (1 + Math.floor(rng.next() * R));
      const sharded = c % 2 === 0 ? { axis: 0 as const, parts: [table as tf.Tensor2D], offsets: [0] } : makeSharded(data, R, C, 0, maxBytes, (v, shape) => tf.tensor2d(v, shape));
      const run = () => tf.tidy(() => {
        const out = gatherRows(sharded, ids);
        const g = c % 2 === 0 ? tf.grad((t: tf.Tensor) => tf.sum(tf.mul(gatherRows({ axis: 0, parts: [t as tf.Tensor2D], offsets: [0] }, ids), weights)))(table) : tf.zeros([1]);
        return [out, g];
      });
      const [fast, gFast] = run();
      const [plain, gPlain] = await withoutFastKernels([GATHER_ROWS], run);
      const what = `case ${c} (R ${R}, C ${C}, N ${N}, parts ${sharded.parts.length})`;
      expect(fast.shape, what).toEqual([N, C]);
      expect(Array.from(fast.dataSync()), what).toEqual(Array.from(plain.dataSync()));
      if (c % 2 === 0) expect(Array.from(gFast.dataSync()), `${what} gradient`).toEqual(Array.from(gPlain.dataSync()));
      tf.dispose([fast, gFast, plain, gPlain, table, ...(sharded.parts[0] === table ? [] : sharded.parts)]);
      expect(tf.memory().numTensors, what).toBe(before);
      weights.dispose();
    }
  });

  it('names an id outside the table', () => {
    const table = tf.zeros([5, 3]);
    expect(() => runGatherRows(table, tf.tensor1d([0, 4, 5], 'int32'))).toThrow(/id 5 at 2 is outside the table's 5 rows/);
    expect(() => runGatherRows(table, tf.tensor1d([-1], 'int32'))).toThrow(/id -1 at 0/);
    table.dispose();
  });
});
