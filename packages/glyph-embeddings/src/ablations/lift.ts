// The fixed, non-trainable lift from n_embed to d_model used by the ablation models (PyTorch
// `repeat_interleave(e, dModel / nEmbed, dim=-1)`): column j of a lifted row = column floor(j / scale) of the
// original row, scale = dModel / nEmbed. transformer-core applies the same rule inside the model; this helper
// materialises it for inspection and for tools that want a dModel-wide table.

export interface LiftableMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
  meta?: Record<string, unknown>;
}

/** Repeats every column `dModel / m.dim` times in place (interleaved, not tiled). dModel must be a multiple of m.dim. */
export function liftRepeatInterleave<M extends LiftableMatrix>(m: M, dModel: number): M {
  if (!Number.isInteger(dModel) || dModel < 1) throw new RangeError(`liftRepeatInterleave: dModel must be a positive integer, got ${dModel}`);
  if (dModel % m.dim !== 0) throw new RangeError(`liftRepeatInterleave: dModel ${dModel} is not a multiple of nEmbed ${m.dim}`);
  if (m.data.length !== m.rows * m.dim) throw new RangeError(`liftRepeatInterleave: data length ${m.data.length} != rows*dim ${m.rows * m.dim}`);
  const scale = dModel / m.dim;
  const out = new Float32Array(m.rows * dModel);
  for (let i = 0; i < m.rows; i++) {
    const src = i * m.dim, dst = i * dModel;
    for (let c = 0; c < m.dim; c++) out.fill(m.data[src + c], dst + c * scale, dst + (c + 1) * scale);
  }
  return { ...m, dim: dModel, data: out, meta: { ...(m.meta ?? {}), lift: { kind: 'repeat_interleave', nEmbed: m.dim, dModel, scale } } };
}
