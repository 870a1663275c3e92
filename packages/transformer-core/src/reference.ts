// A plain-JS float64 implementation of the architecture (docs/architecture-and-checkpoint.md), loop by loop, used
// only by the tests as an independent oracle for the tfjs model's logits, loss and (by finite differences) gradients.
import { resolveConfig, type ModelConfig } from './config.js';
import type { StateDict } from './model.js';
import { inverseFrequencies } from './rotary.js';
import { layerNormRow } from './layer-norm.js';

function linear(x: Float64Array, n: number, inDim: number, w: Float32Array | Float64Array, outDim: number): Float64Array {
  // y = x @ W^T, W [out, in]
  const y = new Float64Array(n * outDim);
  for (let i = 0; i < n; i++) {
    for (let o = 0; o < outDim; o++) {
      let s = 0;
      for (let k = 0; k < inDim; k++) s += x[i * inDim + k] * w[o * inDim + k];
      y[i * outDim + o] = s;
    }
  }
  return y;
}

function layerNorm(x: Float64Array, n: number, d: number): Float64Array {
  const y = new Float64Array(n * d);
  for (let i = 0; i < n; i++) layerNormRow(x, i * d, y, i * d, d);
  return y;
}

/** Logits [T, V] (float64) of one sequence. */
export function referenceLogits(config: ModelConfig, w: StateDict, ids: ArrayLike<number>): Float64Array {
  const c = resolveConfig(config);
  const T = ids.length;
  const d = c.dModel;
  const H = c.nHead;
  const hd = d / H;
  const r = d / c.nEmbed;
  const E = w.get('tok_embedding.weight')!.data;
  let x = new Float64Array(T * d);
  for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) x[t * d + j] = E[ids[t] * c.nEmbed + Math.floor(j / r)];
  const invFreq = inverseFrequencies(hd, c.ropeBase); // float32, as PyTorch and the model compute it
  const rope = (v: Float64Array, base: number, t: number) => {
    const out = new Float64Array(hd);
    for (let i = 0; i < hd; i++) {
      const f = t * invFreq[i % (hd / 2)];
      const rot = i < hd / 2 ? -v[base + i + hd / 2] : v[base + i - hd / 2];
      out[i] = v[base + i] * Math.cos(f) + rot * Math.sin(f);
    }
    return out;
  };
  for (let l = 0; l < c.nLayer; l++) {
    const h = layerNorm(x, T, d);
    const qkv = linear(h, T, d, w.get(`blocks.${l}.attn.qkv.weight`)!.data, 3 * d);
    const att = new Float64Array(T * d);
    for (let hh = 0; hh < H; hh++) {
      const q: Float64Array[] = [];
      const k: Float64Array[] = [];
      for (let t = 0; t < T; t++) {
        q.push(rope(qkv, t * 3 * d + hh * hd, t));
        k.push(rope(qkv, t * 3 * d + d + hh * hd, t));
      }
      for (let t = 0; t < T; t++) {
        const s = new Float64Array(t + 1);
        let mx = -Infinity;
        for (let u = 0; u <= t; u++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[t][i] * k[u][i];
          s[u] = dot / Math.sqrt(hd);
          mx = Math.max(mx, s[u]);
        }
        let z = 0;
        for (let u = 0; u <= t; u++) { s[u] = Math.exp(s[u] - mx); z += s[u]; }
        for (let i = 0; i < hd; i++) {
          let o = 0;
          for (let u = 0; u <= t; u++) o += (s[u] / z) * qkv[u * 3 * d + 2 * d + hh * hd + i];
          att[t * d + hh * hd + i] = o;
        }
      }
    }
    const pr = linear(att, T, d, w.get(`blocks.${l}.attn.proj.weight`)!.data, d);
    x = x.map((v, i) => v + pr[i]);
    const h2 = layerNorm(x, T, d);
    const fc = linear(h2, T, d, w.get(`blocks.${l}.mlp.fc.weight`)!.data, 4 * d);
    const g = fc.map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
    const p2 = linear(g, T, 4 * d, w.get(`blocks.${l}.mlp.proj.weight`)!.data, d);
    x = x.map((v, i) => v + p2[i]);
  }
  return linear(layerNorm(x, T, d), T, d, w.get('lm_head.weight')!.data, c.vocabSize);
}

/** Mean cross-entropy over rows (targets < 0 ignored), float64. */
export function referenceLoss(config: ModelConfig, w: StateDict, ids: number[][], targets: number[][]): number {
  const V = resolveConfig(config).vocabSize;
  let sum = 0;
  let n = 0;
  ids.forEach((row, b) => {
    const lg = referenceLogits(config, w, row);
    row.forEach((_, t) => {
      const tg = targets[b][t];
      if (tg < 0) return;
      let mx = -Infinity;
      for (let v = 0; v < V; v++) mx = Math.max(mx, lg[t * V + v]);
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(lg[t * V + v] - mx);
      sum += Math.log(z) + mx - lg[t * V + tg];
      n++;
    });
  });
  return sum / n;
}
