// Weight storage: the checkpoint's named [out, in] matrices held on the device in the layout the kernels want
// (linear layers transposed to [in, out]; vocabulary tables split into shards below the WebGPU binding limit).
import { tf } from './tf.js';

/** WebGPU guarantees 128 MiB per storage binding; larger tables are split into row/column shards. */
export const WEBGPU_BINDING_LIMIT = 128 * 1024 * 1024;

/** Splits `total` items of `bytesPerItem` into contiguous pieces of at most `maxBytes`. Returns piece sizes. */
export function shardSizes(total: number, bytesPerItem: number, maxBytes: number): number[] {
  if (!(maxBytes > 0) || !Number.isFinite(maxBytes)) return [total];
  const per = Math.max(1, Math.floor(maxBytes / bytesPerItem));
  const out: number[] = [];
  for (let s = 0; s < total; s += per) out.push(Math.min(per, total - s));
  return out;
}

/** Transposes a row-major [r, c] matrix into a new [c, r] array. */
export function transpose2d(a: Float32Array, r: number, c: number): Float32Array {
  const out = new Float32Array(r * c);
  const TILE = 64; // 64 x 64 tiles stay in cache on both sides
  for (let i0 = 0; i0 < r; i0 += TILE) {
    for (let j0 = 0; j0 < c; j0 += TILE) {
      const i1 = Math.min(r, i0 + TILE);
      const j1 = Math.min(c, j0 + TILE);
      for (let i = i0; i < i1; i++) for (let j = j0; j < j1; j++) out[j * r + i] = a[i * c + j];
    }
  }
  return out;
}

/** A matrix stored as shards along one axis. */
export interface Sharded {
  /** Axis the shards split: 0 = rows, 1 = columns. */
  axis: 0 | 1;
  parts: tf.Tensor2D[];
  /** Start index of every shard along `axis`. */
  offsets: number[];
}

/** Uploads a row-major [r, c] matrix as shards of at most maxBytes along `axis`. */
export function makeSharded(
  data: Float32Array, r: number, c: number, axis: 0 | 1, maxBytes: number,
  make: (values: Float32Array, shape: [number, number], index: number) => tf.Tensor2D,
): Sharded {
  const sizes = shardSizes(axis === 0 ? r : c, 4 * (axis === 0 ? c : r), maxBytes);
  const parts: tf.Tensor2D[] = [];
  const offsets: number[] = [];
  let off = 0;
  sizes.forEach((n, i) => {
    let vals: Float32Array;
    if (axis === 0) vals = data.subarray(off * c, (off + n) * c);
    else if (sizes.length === 1) vals = data;
    else {
      vals = new Float32Array(r * n);
      for (let i2 = 0; i2 < r; i2++) vals.set(data.subarray(i2 * c + off, i2 * c + off + n), i2 * n);
    }
    parts.push(make(vals, axis === 0 ? [n, c] : [r, n], i));
    offsets.push(off);
    off += n;
  });
  return { axis, parts, offsets };
}

/** Reads a sharded matrix back into one row-major array (async data() only). */
export async function readSharded(s: Sharded): Promise<Float32Array> {
  const datas = await Promise.all(s.parts.map((p) => p.data() as Promise<Float32Array>));
  if (datas.length === 1) return Float32Array.from(datas[0]);
  const r = s.axis === 0 ? s.parts.reduce((a, p) => a + p.shape[0], 0) : s.parts[0].shape[0];
  const c = s.axis === 1 ? s.parts.reduce((a, p) => a + p.shape[1], 0) : s.parts[0].shape[1];
  const out = new Float32Array(r * c);
  s.parts.forEach((p, i) => {
    const d = datas[i];
    const [pr, pc] = p.shape;
    if (s.axis === 0) out.set(d, s.offsets[i] * c);
    else for (let i2 = 0; i2 < pr; i2++) out.set(d.subarray(i2 * pc, (i2 + 1) * pc), i2 * c + s.offsets[i]);
  });
  return out;
}

