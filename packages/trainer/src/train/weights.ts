// Checkpoint weights (names and [out, in] layout of transformer-core's checkpoints) written into an existing model's
// variables, shard by shard, for resume. A frozen table is never written: it must already be the checkpoint's,
// bit for bit.
import { tf, type GPT, type StateDict } from '@glyphlm/transformer-core';
import { TrainCheckpointError } from './errors.js';
import { transpose2d } from './optimizer-state.js';

function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Device values of trainable variable `i` from a checkpoint-layout state dict. */
function deviceValues(model: GPT, state: StateDict, i: number): Float32Array {
  const name = model.trainableNames[i];
  const v = model.trainableVariables[i];
  const [base, shardText] = name.split('#');
  const shard = shardText === undefined ? 0 : Number(shardText);
  const full = state.get(base)!;
  const [r, c] = v.shape as [number, number];
  if (base === 'tok_embedding.weight') {
    const off = model.embedding.offsets[shard];
    return full.data.slice(off * c, (off + r) * c);
  }
  if (base === 'lm_head.weight') {
    const off = model.head.offsets[shard]; // columns off..off+c of [d, vocab] = rows of the checkpoint's [vocab, d]
    return transpose2d(full.data.subarray(off * r, (off + c) * r), c, r);
  }
  return transpose2d(full.data, c, r); // [out, in] -> [in, out]
}

/** Writes `state` into `model`'s variables; `file` names the checkpoint in errors. */
export async function assignWeights(model: GPT, state: StateDict, file: string): Promise<void> {
  if (model.embeddingKind === 'frozen') {
    const mine = (await model.stateDict()).get('tok_embedding.weight')!.data;
    if (!sameBits(mine, state.get('tok_embedding.weight')!.data)) {
      throw new TrainCheckpointError(file, "tok_embedding.weight: the checkpoint's frozen table differs from the model's (a different glyph matrix)", 'tok_embedding.weight');
    }
  }
  model.trainableVariables.forEach((v, i) => {
    const t = tf.tensor(deviceValues(model, state, i), v.shape, 'float32');
    v.assign(t);
    t.dispose();
  });
}
