// The step engine on this thread (any tfjs backend, browser-safe): gradient accumulation over micro-batches with
// token weights, NaN/Inf detection before any update (naming the step and the tensor), global-norm clipping
// (torch's clip_grad_norm_), and transformer-core's AdamW with the step's learning rate.
import { tf, AdamW, type GPT } from '@glyphlm/transformer-core';
import { NonFiniteError, type MicroBatch, type OptimizerState, type StepEngine, type StepRequest, type StepResult } from './engine.js';
import { adamwToCheckpoint, checkpointToAdamw } from './optimizer-state.js';

export interface LocalEngineOptions {
  /** Initial learning rate (each step passes its own; default 1e-3). */
  lr?: number;
  /** AdamW betas (default [0.9, 0.95], nanoGPT's). */
  betas?: [number, number];
  eps?: number;
  /** Decoupled weight decay on every trainable tensor (default 0.1). */
  weightDecay?: number;
}

/** Number of targets >= 0 (the ones the loss counts). */
export function countTargets(targets: Int32Array): number {
  let n = 0;
  for (let i = 0; i < targets.length; i++) if (targets[i] >= 0) n++;
  return n;
}

function shaped(m: MicroBatch) {
  return { ids: { data: m.ids, shape: [m.B, m.T] as const }, targets: { data: m.targets, shape: [m.B, m.T] as const } };
}

/** Disposes a list of tensors (skipping holes). */
function disposeAll(ts: Array<tf.Tensor | undefined>): void {
  for (const t of ts) t?.dispose();
}

export function createLocalEngine(model: GPT, opts: LocalEngineOptions = {}): StepEngine {
  const opt = new AdamW({ lr: opts.lr ?? 1e-3, betas: opts.betas ?? [0.9, 0.95], eps: opts.eps ?? 1e-8, weightDecay: opts.weightDecay ?? 0.1 });
  const vars = model.trainableVariables;
  let disposed = false;
  const alive = () => {
    if (disposed) throw new Error('local engine: used after dispose()');
  };

  async function step(req: StepRequest): Promise<StepResult> {
    alive();
    const s = req.step ?? opt.step;
    if (!req.micro?.length) throw new RangeError(`step ${s}: no micro-batches`);
    const counts = req.micro.map((m) => countTargets(m.targets));
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) throw new RangeError(`step ${s}: every target of the step is ignored (masked), nothing to learn from`);
    const acc: Array<tf.Tensor | undefined> = vars.map(() => undefined);
    try {
      // gradients of sum_k (n_k / N) * mean_k = the mean over every target of the step
      let loss = 0;
      for (let k = 0; k < req.micro.length; k++) {
        if (counts[k] === 0) continue; // adds nothing to the loss or the gradients
        const { ids, targets } = shaped(req.micro[k]);
        const w = counts[k] / total;
        const { value, grads } = tf.variableGrads(() => tf.tidy(() => tf.mul(
          model.loss(ids, targets, { dropout: req.dropout > 0 ? req.dropout : false, seed: req.dropoutSeeds[k] ?? 0 }), w) as tf.Scalar), vars);
        const v = (await value.data())[0];
        value.dispose();
        vars.forEach((x, i) => {
          const g = grads[x.name] ?? tf.zerosLike(x); // a table shard the batch does not reach: zero, as torch
          if (acc[i] === undefined) acc[i] = g;
          else {
            const sum = tf.add(acc[i]!, g);
            acc[i]!.dispose();
            g.dispose();
            acc[i] = sum;
          }
        });
        if (!Number.isFinite(v)) throw new NonFiniteError(s, 'loss', String(v / w));
        loss += v;
      }
      const sqT = tf.tidy(() => tf.stack(acc.map((g) => tf.sum(tf.square(g!)))));
      const sq = (await sqT.data()) as Float32Array;
      sqT.dispose();
      let sumSq = 0;
      for (let i = 0; i < sq.length; i++) {
        if (!Number.isFinite(sq[i])) {
          const bad = (await acc[i]!.data()) as Float32Array;
          const first = bad.findIndex((x) => !Number.isFinite(x));
          if (first >= 0) throw new NonFiniteError(s, model.trainableNames[i], `${bad[first]} at flat index ${first}`);
          let max = 0;
          for (let j = 0; j < bad.length; j++) max = Math.max(max, Math.abs(bad[j]));
          throw new NonFiniteError(s, model.trainableNames[i], `its squared norm overflows float32: values up to ${max.toExponential(2)}`);
        }
        sumSq += sq[i];
      }
      const gradNorm = Math.sqrt(sumSq);
      if (req.gradClip > 0 && Number.isFinite(req.gradClip)) {
        const coef = req.gradClip / (gradNorm + 1e-6);
        if (coef < 1) {
          for (let i = 0; i < acc.length; i++) {
            const c = tf.mul(acc[i]!, coef);
            acc[i]!.dispose();
            acc[i] = c;
          }
        }
      }
      opt.lr = req.lr;
      opt.applyGradients(vars.map((x, i) => ({ name: x.name, tensor: acc[i]! })));
      return { loss, gradNorm };
    } finally {
      disposeAll(acc);
    }
  }

  async function evalLoss(batches: MicroBatch[]): Promise<number> {
    alive();
    let sum = 0;
    let n = 0;
    for (const m of batches) {
      const c = countTargets(m.targets);
      if (c === 0) continue;
      const { ids, targets } = shaped(m);
      const l = model.loss(ids, targets, { dropout: false });
      sum += (await l.data())[0] * c;
      l.dispose();
      n += c;
    }
    if (n === 0) throw new RangeError('evalLoss: every target of the evaluation batches is ignored (masked)');
    return sum / n;
  }

  return {
    workers: 1,
    model,
    step,
    evalLoss,
    async optimizerState(): Promise<OptimizerState> {
      alive();
      return adamwToCheckpoint(model, await opt.stateDict());
    },
    async loadOptimizerState(state: OptimizerState): Promise<void> {
      alive();
      opt.loadStateDict(checkpointToAdamw(model, state));
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      opt.dispose();
    },
  };
}
