// tf.customGrad typed for this package's hand-written gradients, and the last-two-axes transpose they use.
import { tf } from './tf.js';

/** tf.customGrad with the save function as the last argument, typed loosely (tfjs's typing cannot express it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function customGrad(f: (...args: any[]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] }): (...xs: tf.Tensor[]) => tf.Tensor {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return tf.customGrad(f as any) as unknown as (...xs: tf.Tensor[]) => tf.Tensor;
}

/** Swaps the last two axes of a rank-2, -3 or -4 tensor. */
export function swapLast(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, x.rank === 3 ? [0, 2, 1] : [0, 1, 3, 2]);
}
