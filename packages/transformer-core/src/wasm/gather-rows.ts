// Rows of a table picked by ids (an embedding lookup: gather-rows.ts's gatherRows) as one tfjs kernel on the wasm backend.
// tfjs-backend-wasm's GatherV2 computes every element's source index on its own (~40 ns per element here: 2.7 ms for
// 256 rows of 256 floats, ~4 % of a bvv-tiny scoring forward); this copies each row with one memmove.
//
//   (table [R, C] float32, ids int32 [N]) -> out [N, C]: out[i] = table[ids[i]]; an id outside 0..R-1 is an error
//
// Registered by wasm/register.ts; ../gather-rows.ts runs it through fast-kernels.ts (with gather's gradient).
import type { tf } from '../tf.js';
import { GATHER_ROWS } from '../fast-kernels.js';
import { runHeapKernel } from './kernel-scaffold.js';

export const gatherRowsKernelConfigs: tf.KernelConfig[] = [
  {
    kernelName: GATHER_ROWS,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const { table, ids } = inputs as unknown as { table: tf.TensorInfo; ids: tf.TensorInfo };
      return runHeapKernel(backend, (k) => {
        const [R, C] = table.shape;
        const N = ids.shape[0];
        const out = k.output([N, C]);
        const F = k.f32();
        const I = new Int32Array(F.buffer);
        const pt = k.at(table) >> 2, pi = k.at(ids) >> 2, po = k.at(out) >> 2;
        for (let i = 0; i < N; i++) {
          const id = I[pi + i];
          if (!(id >= 0 && id < R)) throw new RangeError(`gather rows: id ${id} at ${i} is outside the table's ${R} rows`);
          F.copyWithin(po + i * C, pt + id * C, pt + (id + 1) * C);
        }
      })[0];
    },
  },
];
