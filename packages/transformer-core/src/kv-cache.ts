// The tfjs paths' KV cache (infer.ts): a batch-1 `shared` part (a prompt or a common prefix) and a per-row `own`
// part, one 2-D tensor per (row, head) and layer -- keys transposed [hd, len], values [len, hd] -- and the helpers
// that cut, join and free parts.
import { tf } from './tf.js';

export interface KVPart {
  /** Number of positions held. */
  len: number;
  /** [layer][row * H + head]: keys transposed [hd, len] and values [len, hd]. */
  kT: tf.Tensor[][];
  v: tf.Tensor[][];
}

export function disposePart(p: KVPart | null | undefined): void {
  if (!p) return;
  p.kT.forEach((l) => l.forEach((t) => t.dispose()));
  p.v.forEach((l) => l.forEach((t) => t.dispose()));
}

/** Appends a batch-1 `own` part to a batch-1 `shared` part (new tensors; inputs untouched). */
export function mergeParts(shared: KVPart | null, own: KVPart): KVPart {
  if (!shared) return { len: own.len, kT: own.kT.map((l) => l.map((t) => tf.clone(t))), v: own.v.map((l) => l.map((t) => tf.clone(t))) };
  return {
    len: shared.len + own.len,
    kT: shared.kT.map((l, i) => l.map((t, g) => tf.concat([t, own.kT[i][g]], 1))),
    v: shared.v.map((l, i) => l.map((t, g) => tf.concat([t, own.v[i][g]], 0))),
  };
}

/** The first `len` positions of a part (new tensors). */
export function slicePart(p: KVPart, len: number): KVPart {
  return {
    len,
    kT: p.kT.map((l) => l.map((t) => tf.slice(t, [0, 0], [-1, len]))),
    v: p.v.map((l) => l.map((t) => tf.slice(t, [0, 0], [len, -1]))),
  };
}
