// EmbeddingMatrix <-> safetensors bytes (via @glyphlm/tensor-io): one F32 tensor `embeddings` [rows, dim]; the
// matrix metadata travels as JSON in the `glyphlm` metadata field.
import { readSafetensors, writeSafetensors } from '@glyphlm/tensor-io';
import { GlyphEmbeddingsError } from './errors.js';
import type { EmbeddingMatrix, EmbeddingMeta } from './types.js';

export const TENSOR_NAME = 'embeddings';

/** Serialises a matrix to safetensors (tensor `embeddings`, F32, [rows, dim]; metadata `glyphlm` = JSON meta). */
export function toSafetensors(m: EmbeddingMatrix): Uint8Array {
  if (m.data.length !== m.rows * m.dim) {
    throw new GlyphEmbeddingsError(`toSafetensors: data has ${m.data.length} values, expected rows*dim = ${m.rows}*${m.dim}`);
  }
  return writeSafetensors(
    { [TENSOR_NAME]: { dtype: 'F32', shape: [m.rows, m.dim], data: m.data } },
    { format: 'pt', glyphlm: JSON.stringify(m.meta ?? {}) },
  );
}

/**
 * Reads a matrix back. Accepts files written by toSafetensors, or any safetensors file with exactly one 2-D
 * floating tensor (F32/F16/BF16/F64, converted to float32). Errors name `source` and the problem.
 */
export function fromSafetensors(bytes: Uint8Array, opts: { source?: string } = {}): EmbeddingMatrix {
  const source = opts.source ?? 'safetensors';
  const st = readSafetensors(bytes, { source });
  let view = st.tensors.get(TENSOR_NAME);
  if (!view) {
    const cands = [...st.tensors.entries()].filter(([, v]) => v.shape.length === 2 && ['F32', 'F16', 'BF16', 'F64'].includes(v.dtype));
    if (cands.length !== 1) {
      throw new GlyphEmbeddingsError(`${source}: no '${TENSOR_NAME}' tensor and ${cands.length} other 2-D float tensors (need exactly one)`);
    }
    view = cands[0][1];
  }
  if (view.shape.length !== 2) throw new GlyphEmbeddingsError(`${source}: tensor '${TENSOR_NAME}' has shape [${view.shape.join(', ')}], expected [rows, dim]`);
  const [rows, dim] = view.shape;
  let meta: EmbeddingMeta = { recipe: 'unknown' };
  if (st.metadata.glyphlm !== undefined) {
    try {
      meta = JSON.parse(st.metadata.glyphlm) as EmbeddingMeta;
    } catch (e) {
      throw new GlyphEmbeddingsError(`${source}: metadata field 'glyphlm' is not valid JSON (${(e as Error).message})`);
    }
  }
  return { rows, dim, data: view.toFloat32(), meta };
}
