// The INFER_ATTENTION kernel on wasm (infer-attention.ts) against infer.ts's tfjs-ops path for the same inference step:
// 40 seeded random models and steps (batch rows, equal or ragged lengths, some longer than a query block, with and
// without a cached prefix, joined or not, every row's output or a few rows'), comparing the step's output rows (1e-5),
// its new keys and values (bit for bit in the first layer, whose input both paths share: the kernel writes QKV_HEADS's
// pieces; 1e-5 after) and the joined prefix; the kernel's tensors are freed with the step's.
import { describe, expect, it } from 'vitest';
import { onWasmWithKernel } from '../testing/wasm-kernel.js';
import { tf } from '../tf.js';
import { Rng } from '../rng.js';
import { inferStep } from '../infer.js';
import { createModel } from '../model.js';
import { withFastPaths, withoutFastKernels } from '../fast-paths.js';
import { INFER_ATTENTION } from '../fast-kernels.js';
import { QUERY_BLOCK } from './infer-attention.js';
import type { KVPart } from '../kv-cache.js';

const flat = (p: KVPart) => [...p.kT.flat(), ...p.v.flat()];

/** Every piece of `a` equals `b`'s: bit for bit in the first layer (both read the same input), within 1e-5 after. */
function expectParts(a: KVPart, b: KVPart, what: string): void {
  expect(a.len, what).toBe(b.len);
  for (const key of ['kT', 'v'] as const) {
    a[key].forEach((layer, li) => layer.forEach((t, g) => {
      const u = b[key][li][g];
      expect(t.shape, `${what} ${key}[${li}][${g}]`).toEqual(u.shape);
      const x = t.dataSync(), y = u.dataSync();
      if (li === 0) expect(Array.from(x), `${what} ${key}[0][${g}]`).toEqual(Array.from(y));
      else for (let i = 0; i < x.length; i++) expect(Math.abs(x[i] - y[i]), `${what} ${key}[${li}][${g}] at ${i}`).toBeLessThan(1e-5 * (1 + Math.abs(y[i])));
    }));
  }
}

describe('INFER_ATTENTION kernel (wasm)', () => {
  onWasmWithKernel(INFER_ATTENTION);

  it('equals the tfjs-ops path on 40 random steps', async () => {
    const rng = new Rng(20261207);
    const int = (n: number) => Math.floor(rng.next() * n);
    for (let c = 0; c < 40; c++) {
      const H = 1 + int(4), hd = 2 * (1 + int(8)), nLayer = 1 + int(2), vocab = 23;
      const model = createModel({ vocabSize: vocab, nEmbed: H * hd, dModel: H * hd, nLayer, nHead: H, blockSize: 512 }, { embedding: 'trainable', seed: c });
      const weights = model; // a GPT is its ModelWeights
      // a cached prefix (from a plain prefill) in two of three cases
      const Tp = c % 3 === 0 ? 0 : 1 + int(12);
      const prefixIds = Int32Array.from({ length: Tp }, () => int(vocab));
      const prefix = Tp > 0 ? await withFastPaths(false, () => inferStep(weights, prefixIds, 1, Tp, null, null)) : null;
      prefix?.x.dispose();
      const join = Tp > 0 && c % 2 === 0;
      // every fourth step longer than a query block (QUERY_BLOCK rows, here 256): blocks see the keys up to their last row
      const B = join ? 1 : 1 + int(3), Tn = c % 4 === 3 ? QUERY_BLOCK + 1 + int(40) : 1 + int(9);
      const lens = !join && c % 4 === 1 ? Array.from({ length: B }, () => 1 + int(Tn)) : null;
      const N = lens ? lens.reduce((a, l) => a + l, 0) : B * Tn;
      const ids = Int32Array.from({ length: N }, () => int(vocab));
      // every row's output, or a few ascending rows
      const outRows = c % 5 < 2 ? undefined : [...new Set(Array.from({ length: 1 + int(4) }, () => int(N)))].sort((a, b) => a - b);
      const before = tf.memory().numTensors;
      // the plain path: every other kernel as in the fast one (LayerNorm, QKV_HEADS), attention by tfjs ops
      const run = (fast: boolean) => (fast ? withFastPaths(true, step) : withoutFastKernels([INFER_ATTENTION], step));
      const step = () => (
        inferStep(weights, ids, B, Tn, prefix?.own ?? null, null, { join, outRows, rowLengths: lens ?? undefined }));
      const fast = await run(true);
      const plain = await run(false);
      const what = `case ${c} (H ${H}, hd ${hd}, layers ${nLayer}, Tp ${Tp}, B ${B}, Tn ${Tn}, lens ${lens}, join ${join}, outRows ${outRows})`;
      expect(fast.x.shape, what).toEqual(plain.x.shape);
      const fx = fast.x.dataSync(), px = plain.x.dataSync();
      for (let i = 0; i < fx.length; i++) expect(Math.abs(fx[i] - px[i]), `${what} x[${i}]`).toBeLessThan(1e-5 * (1 + Math.abs(px[i])));
      expectParts(fast.own, plain.own, `${what} own`);
      expect(!!fast.joined, what).toBe(join);
      if (join) expectParts(fast.joined!, plain.joined!, `${what} joined`);
      for (const r of [fast, plain]) {
        r.x.dispose();
        tf.dispose([...flat(r.own), ...(r.joined ? flat(r.joined) : [])]);
      }
      expect(tf.memory().numTensors, what).toBe(before);
      if (prefix) tf.dispose(flat(prefix.own));
      model.dispose();
    }
  });
});
