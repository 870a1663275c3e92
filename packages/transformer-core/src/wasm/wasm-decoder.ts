// Batch-1 decoding on tfjs-backend-wasm without tfjs ops: a one-token step is ~200 tiny tfjs ops whose dispatch
// (tens of microseconds each) costs as much as the weights' reads, so the step is done here instead — vector-matrix
// products by the wasm SIMD kernel (gemv.wat) reading the model's weights where tfjs keeps them (no copy, always
// the current values), layer norm (layer-norm.ts), rotary (rotary.ts) and softmax in plain JS on a few thousand
// floats, GELU by gelu.wat. The KV cache, scratch vectors and logits live in one arena tensor in the same heap. Same
// math and layouts as decode.ts. The FastDecoder of fast-paths.ts for wasm (registered by wasm/register.ts).
import { tf } from '../tf.js';
import type { ModelWeights } from '../model-weights.js';
import type { KVPart } from '../kv-cache.js';
import type { FastDecoder } from '../fast-paths.js';
import { gemvKernel, geluKernel, type Gemv, type GeluKernels } from './kernel.js';
import { byteOf, heapOffset, wasmHeap, FLOAT_BYTES, type WasmHeap } from './heap.js';
import { rotaryTables, rotateHalfInto } from '../rotary.js';
import { layerNormRow } from '../layer-norm.js';

export class WasmDecoder implements FastDecoder {
  private readonly arena: tf.Tensor;
  private f32: Float32Array;
  private len = 0;
  // float indices into the heap of the arena's regions
  private readonly kT: number; // [layer][head] K^T [hd, blockSize]
  private readonly vv: number; // [layer][head] V [blockSize, hd]
  private readonly xI: number;
  private readonly hI: number;
  private readonly qkvI: number;
  private readonly oI: number;
  private readonly sI: number;
  private readonly ffI: number;
  private readonly logitsI: number;

  /** Whether the fast path applies to `model` on the active backend (checks only; allocates nothing). */
  static supports(model: ModelWeights): boolean {
    return WasmDecoder.resolve(model) !== null;
  }

  /** A decoder for `model` on the active wasm backend, or null where the fast path does not apply. */
  static create(model: ModelWeights): WasmDecoder | null {
    const r = WasmDecoder.resolve(model);
    return r ? new WasmDecoder(model, r.heap, r.gemv, r.gelu) : null;
  }

  private static resolve(model: ModelWeights): { heap: WasmHeap; gemv: Gemv; gelu: GeluKernels } | null {
    const heap = wasmHeap();
    if (!heap) return null;
    const gemv = gemvKernel(heap.memory);
    const gelu = geluKernel(heap.memory);
    if (!gemv || !gelu) return null;
    const tensors = [...model.embedding.parts, ...model.head.parts, ...model.layers.flatMap((L) => [L.qkv, L.proj, L.fc, L.mlpProj])];
    if (tensors.some((t) => t.dtype !== 'float32' || !heap.backend.dataIdMap.has(t.dataId))) return null;
    if (model.headDim % 2 !== 0) return null;
    return { heap, gemv, gelu };
  }

  private constructor(
    private readonly model: ModelWeights,
    private readonly heapOf: WasmHeap,
    private readonly gemv: Gemv,
    private readonly gelu: GeluKernels,
  ) {
    const c = model.config;
    const d = c.dModel;
    const kv = c.nLayer * d * c.blockSize;
    const pad = (n: number) => (n + 3) & ~3; // keep every region 16-byte aligned
    const sizes = [kv, kv, d, d, 3 * d, d, pad(c.blockSize), 4 * d, pad(c.vocabSize)];
    const total = sizes.reduce((a, b) => a + b, 0);
    this.arena = tf.zeros([total]);
    const base = this.offset(this.arena) / FLOAT_BYTES;
    const at: number[] = [];
    sizes.reduce((o, n) => (at.push(o), o + n), base);
    [this.kT, this.vv, this.xI, this.hI, this.qkvI, this.oI, this.sI, this.ffI, this.logitsI] = at;
    this.f32 = new Float32Array(heapOf.memory.buffer);
  }

  /** Positions held in the cache. */
  get length(): number {
    return this.len;
  }

  dispose(): void {
    this.arena.dispose();
  }

  private offset(t: tf.Tensor): number {
    if (t.isDisposed || !this.heapOf.backend.dataIdMap.has(t.dataId)) throw new Error('generate: a model tensor was disposed during generation');
    return heapOffset(this.heapOf, t);
  }

  /** Heap view, renewed when the heap has grown (growing detaches the old buffer). */
  private heap(): Float32Array {
    if (this.f32.buffer !== this.heapOf.memory.buffer) this.f32 = new Float32Array(this.heapOf.memory.buffer);
    return this.f32;
  }

  /** Loads a batch-1 prefill cache (keys transposed [hd, len], values [len, hd] per head). */
  prefill(part: KVPart): void {
    const c = this.model.config;
    const H = c.nHead;
    const hd = this.model.headDim;
    const Tb = c.blockSize;
    const L = part.len;
    for (let l = 0; l < c.nLayer; l++) {
      for (let h = 0; h < H; h++) {
        const F = this.heap();
        const kt = this.offset(part.kT[l][h]) / FLOAT_BYTES;
        const v = this.offset(part.v[l][h]) / FLOAT_BYTES;
        const kDst = this.kT + (l * H + h) * hd * Tb;
        for (let i = 0; i < hd; i++) F.copyWithin(kDst + i * Tb, kt + i * L, kt + (i + 1) * L);
        F.copyWithin(this.vv + (l * H + h) * Tb * hd, v, v + L * hd);
      }
    }
    this.len = L;
  }

  /** Logits [vocab] of the residual row `row` of x [rows, d] (the prefill's output). */
  logitsOfRow(x: tf.Tensor, row: number): Float32Array {
    this.loadRow(x, row);
    return this.head();
  }

  /** The final-normed hidden vector [d] of row `row` of x (for a head computed elsewhere). */
  normedOfRow(x: tf.Tensor, row: number): Float32Array {
    this.loadRow(x, row);
    return this.normed();
  }

  /** Appends `token` at the next position and returns the next token's logits [vocab]. */
  step(token: number): Float32Array {
    this.advance(token);
    return this.head();
  }

  /** Appends `token` and returns the final-normed hidden vector [d] (for a head computed elsewhere). */
  stepNormed(token: number): Float32Array {
    this.advance(token);
    return this.normed();
  }

  private loadRow(x: tf.Tensor, row: number): void {
    const d = this.model.config.dModel;
    const F = this.heap();
    const src = (this.offset(x) / FLOAT_BYTES) + row * d;
    F.copyWithin(this.xI, src, src + d);
  }

  private normed(): Float32Array {
    const d = this.model.config.dModel;
    this.layerNorm(this.xI, this.hI, d);
    return this.heap().slice(this.hI, this.hI + d);
  }

  /** Runs the layers for `token` at the next position, leaving the residual stream in x. */
  private advance(token: number): void {
    const m = this.model;
    const c = m.config;
    const d = c.dModel;
    const H = c.nHead;
    const hd = m.headDim;
    const half = hd >> 1;
    const Tb = c.blockSize;
    const pos = this.len;
    if (pos + 1 > Tb) throw new RangeError(`decode: position ${pos} is past blockSize ${Tb}`);
    if (!Number.isInteger(token) || token < 0 || token >= c.vocabSize) throw new RangeError(`decode: token id ${token} is outside the vocabulary (0..${c.vocabSize - 1})`);
    const g = this.gemv;
    this.embed(token);
    // rotary for this position; q's cos and sin pre-scaled by 1/sqrt(hd) as in decode.ts
    const { cos, sin } = rotaryTables(hd, pos, 1, c.ropeBase);
    const scale = 1 / Math.sqrt(hd);
    const { xI, hI, qkvI, oI, sI, ffI } = this;
    for (let l = 0; l < c.nLayer; l++) {
      const Lw = m.layers[l];
      this.layerNorm(xI, hI, d);
      g(byteOf(hI), this.offset(Lw.qkv), 3 * d, byteOf(qkvI), d, 3 * d, 0);
      const F = this.heap();
      for (let h = 0; h < H; h++) {
        const q = qkvI + h * hd;
        const k = qkvI + d + h * hd;
        const v = qkvI + 2 * d + h * hd;
        rotateHalfInto(F, q, q, half, cos, 0, sin, 0, 1, scale);
        rotateHalfInto(F, k, k, half, cos, 0, sin, 0, 1, 1);
        const kDst = this.kT + (l * H + h) * hd * Tb;
        for (let i = 0; i < hd; i++) F[kDst + i * Tb + pos] = F[k + i];
        const vDst = this.vv + (l * H + h) * Tb * hd;
        F.copyWithin(vDst + pos * hd, v, v + hd);
        // scores over positions 0..pos, softmax, then the weighted sum of values
        const n = pos + 1;
        g(byteOf(q), byteOf(kDst), Tb, byteOf(sI), hd, n, 0);
        let mx = -Infinity;
        for (let j = 0; j < n; j++) if (F[sI + j] > mx) mx = F[sI + j];
        let z = 0;
        for (let j = 0; j < n; j++) {
          const e = Math.exp(F[sI + j] - mx);
          F[sI + j] = e;
          z += e;
        }
        const inv = 1 / z;
        for (let j = 0; j < n; j++) F[sI + j] *= inv;
        g(byteOf(sI), byteOf(vDst), hd, byteOf(oI + h * hd), n, hd, 0);
      }
      g(byteOf(oI), this.offset(Lw.proj), d, byteOf(xI), d, d, 1); // x += o @ Wproj
      this.layerNorm(xI, hI, d);
      g(byteOf(hI), this.offset(Lw.fc), 4 * d, byteOf(ffI), d, 4 * d, 0);
      this.gelu.gelu(byteOf(ffI), byteOf(ffI), 4 * d); // the same SIMD GELU as training (gelu.wat), in place
      g(byteOf(ffI), this.offset(Lw.mlpProj), d, byteOf(xI), 4 * d, d, 1); // x += gelu(h @ Wfc) @ WmlpProj
    }
    this.len = pos + 1;
  }

  /** Writes the (nEmbed -> dModel repeat-interleaved) embedding row of `token` into x. */
  private embed(token: number): void {
    const m = this.model;
    const { nEmbed, dModel } = m.config;
    const E = m.embedding;
    let s = E.offsets.length - 1;
    while (E.offsets[s] > token) s--;
    const F = this.heap();
    const row = (this.offset(E.parts[s]) / FLOAT_BYTES) + (token - E.offsets[s]) * nEmbed;
    const r = dModel / nEmbed;
    if (r === 1) F.copyWithin(this.xI, row, row + nEmbed);
    else for (let i = 0; i < dModel; i++) F[this.xI + i] = F[row + Math.floor(i / r)];
  }

  /** Final (affine-free) layer norm of x and the head over its column shards; returns a copy of the logits. */
  private head(): Float32Array {
    const m = this.model;
    const d = m.config.dModel;
    this.layerNorm(this.xI, this.hI, d);
    const P = m.head;
    for (let s = 0; s < P.parts.length; s++) {
      const w = P.parts[s].shape[1];
      this.gemv(byteOf(this.hI), this.offset(P.parts[s]), w, byteOf(this.logitsI + P.offsets[s]), d, w, 0);
    }
    return this.heap().slice(this.logitsI, this.logitsI + m.config.vocabSize);
  }

  /** Final-style layer norm (layer-norm.ts) of n floats at heap index src into dst. */
  private layerNorm(src: number, dst: number, n: number): void {
    const F = this.heap();
    layerNormRow(F, src, F, dst, n);
  }
}
