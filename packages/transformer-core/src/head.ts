// The output head and the loss: logits = x @ Whead^T over column shards of the transposed head, and a fused
// head + cross-entropy that works in row chunks so the [N, vocab] logits never exist at once. When the tape is on it
// computes the gradients in the same pass (softmax - onehot) and hands them to the backward. Where the backend has
// the HEAD_XENT fast kernel (fast-paths.ts; wasm: wasm/head-xent.ts) all of it is one vocabulary-blocked kernel.
import { tf } from './tf.js';
import { customGrad } from './custom-grad.js';
import { hasFastKernel } from './fast-paths.js';
import { HEAD_XENT, runHeadXent, type HeadXentTiling } from './fast-kernels.js';

/** logits [N, V] = h [N, d] @ concat(shards [d, V_i]) (explicit, no transpose flags). */
export function headLogits(h: tf.Tensor, shards: tf.Tensor[]): tf.Tensor {
  return tf.tidy(() => (shards.length === 1 ? tf.matMul(h, shards[0]) : tf.concat(shards.map((s) => tf.matMul(h, s)), 1)));
}

/** Sum over rows of w (logsumexp - logit of the target) and, withGrad, (softmax - onehot) * w / nValid; tfjs ops. */
function softmaxXentOps(logits: tf.Tensor, tgt: Int32Array, w: Float32Array, nValid: number, withGrad: boolean): { l: tf.Tensor; g?: tf.Tensor } {
  const [rows, V] = logits.shape;
  // one exp over the [rows, V] logits serves both the log-sum-exp and the softmax
  const mx = tf.max(logits, 1, true);
  const e = tf.exp(tf.sub(logits, mx));
  const z = tf.sum(e, 1, true);
  const lse = tf.reshape(tf.add(tf.log(z), mx), [rows]);
  const wt = tf.tensor1d(w);
  const flat = Int32Array.from(tgt, (t, i) => i * V + t);
  const picked = tf.gather(tf.reshape(logits, [-1]), tf.tensor1d(flat, 'int32'));
  const l = tf.sum(tf.mul(wt, tf.sub(lse, picked)));
  if (!withGrad) return { l };
  const p = tf.div(e, z);
  // int32 then cast: tfjs-wasm 4.22's OneHot writes int bits into float32 outputs
  const oh = tf.cast(tf.oneHot(tf.tensor1d(tgt, 'int32'), V), 'float32');
  return { l, g: tf.mul(tf.sub(p, oh), tf.expandDims(tf.div(wt, nValid), 1)) };
}

function chunkRows(V: number, N: number): number {
  // ~16M floats of logits per chunk (64 MiB)
  return Math.max(1, Math.min(N, Math.floor((16 * 1024 * 1024) / V)));
}

/**
 * headCrossEntropy as the backend's HEAD_XENT kernel (wasm: vocabulary blocks). Column shards of the head are
 * joined for the call (the kernel copies W into its blocks anyway) and the gradient is split back.
 */
function blockedCrossEntropy(h: tf.Tensor, shards: tf.Tensor[], targets: Int32Array, nValid: number, tiling: HeadXentTiling): tf.Tensor {
  const N = targets.length;
  const tgt = new Int32Array(N);
  const wts = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    tgt[i] = targets[i] >= 0 ? targets[i] : 0;
    wts[i] = targets[i] >= 0 ? 1 : 0;
  }
  const joined = (ss: tf.Tensor[]) => (ss.length === 1 ? ss[0] : tf.concat(ss, 1));
  if (!tf.engine().isTapeOn()) {
    return tf.tidy(() => tf.div(runHeadXent(h, joined(shards), null, tf.tensor1d(tgt, 'int32'), tf.tensor1d(wts), 1, tiling)[0], nValid));
  }
  const widths = shards.map((s) => s.shape[1]!);
  const f = customGrad((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const hh = args[0] as tf.Tensor;
    const ss = args.slice(1, args.length - 1) as tf.Tensor[];
    const [l, dh, ...dW] = tf.tidy(() => {
      const w = joined(ss);
      const [loss, dH, dWAll] = runHeadXent(hh, w, tf.transpose(w), tf.tensor1d(tgt, 'int32'), tf.tensor1d(wts), 1 / nValid, tiling);
      return [loss, dH, ...(ss.length === 1 ? [dWAll] : tf.split(dWAll, widths, 1))];
    });
    save([dh, ...dW]);
    const loss = tf.div(l, nValid);
    l.dispose();
    return { value: loss, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => saved.map((g) => tf.mul(g, dy)) };
  }) as (...xs: tf.Tensor[]) => tf.Tensor;
  return f(h, ...shards);
}

/**
 * Mean cross-entropy of h [N, d] against `targets` (length N; < 0 ignored). Differentiable w.r.t. h and the shards.
 * `tiling` sets the fast kernel's vocabulary blocks (tests; default: the kernel's choice).
 */
export function headCrossEntropy(h: tf.Tensor, shards: tf.Tensor[], targets: Int32Array, tiling: HeadXentTiling = {}): tf.Tensor {
  const N = h.shape[0];
  const V = shards.reduce((a, s) => a + s.shape[1]!, 0);
  let nValid = 0;
  for (let i = 0; i < N; i++) if (targets[i] >= 0) nValid++;
  if (nValid === 0) throw new RangeError('loss: every target is ignored (< 0); nothing to average');
  if (hasFastKernel(HEAD_XENT)) return blockedCrossEntropy(h, shards, targets, nValid, tiling);
  const R = chunkRows(V, N);
  const widths = shards.map((s) => s.shape[1]!);
  const needGrad = tf.engine().isTapeOn();

  const run = (hh: tf.Tensor, ss: tf.Tensor[], withGrad: boolean) => {
    let lossSum: tf.Tensor = tf.scalar(0);
    const dH: tf.Tensor[] = [];
    let dW: tf.Tensor[] = withGrad ? ss.map((s) => tf.zerosLike(s)) : [];
    const ssT = withGrad ? ss.map((s) => tf.transpose(s)) : [];
    for (let r0 = 0; r0 < N; r0 += R) {
      const rows = Math.min(R, N - r0);
      const tgt = new Int32Array(rows);
      const w = new Float32Array(rows);
      for (let i = 0; i < rows; i++) {
        const t = targets[r0 + i];
        tgt[i] = t >= 0 ? t : 0;
        w[i] = t >= 0 ? 1 : 0;
      }
      const res = tf.tidy(() => {
        const hc = rows === N ? hh : tf.slice(hh, [r0, 0], [rows, -1]);
        const logits = headLogits(hc, ss);
        const { l, g } = softmaxXentOps(logits, tgt, w, nValid, withGrad);
        if (!g) return { l };
        const gs = ss.length === 1 ? [g] : tf.split(g, widths, 1);
        const hcT = tf.transpose(hc);
        let dh: tf.Tensor | null = null;
        const dws: tf.Tensor[] = [];
        for (let s = 0; s < ss.length; s++) {
          const part = tf.matMul(gs[s], ssT[s]);
          dh = dh ? tf.add(dh, part) : part;
          dws.push(tf.add(dW[s], tf.matMul(hcT, gs[s])));
        }
        return { l, dh: dh!, dws };
      });
      const nl = tf.add(lossSum, res.l);
      lossSum.dispose();
      res.l.dispose();
      lossSum = nl;
      if (withGrad) {
        dH.push(res.dh!);
        dW.forEach((t) => t.dispose());
        dW = res.dws!;
      }
    }
    ssT.forEach((t) => t.dispose());
    const loss = tf.div(lossSum, nValid);
    lossSum.dispose();
    let dh: tf.Tensor | null = null;
    if (withGrad) {
      dh = dH.length === 1 ? dH[0] : tf.concat(dH, 0);
      if (dH.length > 1) dH.forEach((t) => t.dispose());
    }
    return { loss, dh, dW };
  };

  if (!needGrad) {
    return tf.tidy(() => run(h, shards, false).loss);
  }
  const f = customGrad((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const hh = args[0] as tf.Tensor;
    const ss = args.slice(1, args.length - 1) as tf.Tensor[];
    const { loss, dh, dW } = run(hh, ss, true);
    save([dh!, ...dW]);
    return {
      value: loss,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => saved.map((g) => tf.mul(g, dy)),
    };
  }) as (...xs: tf.Tensor[]) => tf.Tensor;
  return f(h, ...shards);
}
