// AdamW with torch.optim.AdamW's exact update order (decoupled decay first, then bias-corrected Adam step), plus
// global-norm gradient clipping. State (m, v) exists only for the variables that receive gradients.
import { tf } from './tf.js';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** One moment tensor in an optimizer state dict (the variable's own shape and layout). */
export interface AdamWTensor {
  shape: number[];
  data: Float32Array;
}

/** AdamW's state, keyed by variable name (`tf.Variable.name`): what `stateDict()` returns and `loadStateDict()` takes. */
export interface AdamWState {
  /** Steps taken (drives the bias correction). */
  step: number;
  /** First moments (torch's `exp_avg`). */
  expAvg: Map<string, AdamWTensor>;
  /** Second moments (torch's `exp_avg_sq`). */
  expAvgSq: Map<string, AdamWTensor>;
}

type Grads = Record<string, tf.Tensor> | Map<string, tf.Tensor> | Array<{ name: string; tensor: tf.Tensor }>;

function entries(grads: Grads): Array<[string, tf.Tensor]> {
  if (grads instanceof Map) return [...grads.entries()];
  if (Array.isArray(grads)) return grads.map((g) => [g.name, g.tensor]);
  return Object.entries(grads);
}

export class AdamW {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of steps taken. */
  step = 0;
  private m = new Map<string, tf.Variable>();
  private v = new Map<string, tf.Variable>();

  constructor(opts: AdamWOptions = {}) {
    this.lr = opts.lr ?? 1e-3;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    for (const [k, x] of Object.entries({ lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay })) {
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new RangeError(`AdamW: ${k} must be a finite number >= 0, got ${x}`);
    }
    if (this.beta1 >= 1 || this.beta2 >= 1) throw new RangeError('AdamW: betas must be < 1');
  }

  /** Names of the variables that have optimizer state. */
  get stateNames(): string[] {
    return [...this.m.keys()];
  }

  /**
   * One update. `grads` maps variable names (as returned by tf.variableGrads) to gradients; every name must be a
   * registered trainable variable. The gradients are not disposed.
   */
  applyGradients(grads: Grads): void {
    const list = entries(grads);
    const registry = tf.engine().registeredVariables;
    for (const [name] of list) {
      const p = registry[name];
      if (!p) throw new Error(`AdamW: no variable named ${name}`);
      if (!p.trainable) throw new Error(`AdamW: variable ${name} is not trainable`);
    }
    this.step++;
    const t = this.step;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const bc1 = 1 - Math.pow(b1, t);
    const bc2 = 1 - Math.pow(b2, t);
    const stepSize = this.lr / bc1;
    const bc2Sqrt = Math.sqrt(bc2);
    const decay = 1 - this.lr * this.weightDecay;
    for (const [name, g] of list) {
      const p = registry[name];
      if (!this.m.has(name)) {
        const z = tf.zerosLike(p);
        this.m.set(name, tf.variable(z, false, `${name}/adamw_m`));
        this.v.set(name, tf.variable(z, false, `${name}/adamw_v`));
        z.dispose();
      }
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      tf.tidy(() => {
        const pd = this.weightDecay !== 0 ? tf.mul(p, decay) : p;
        const mN = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const vN = tf.add(tf.mul(v, b2), tf.mul(tf.mul(g, g), 1 - b2));
        const denom = tf.add(tf.div(tf.sqrt(vN), bc2Sqrt), this.eps);
        const pN = tf.sub(pd, tf.mul(tf.div(mN, denom), stepSize));
        m.assign(mN);
        v.assign(vN);
        p.assign(pN);
      });
    }
  }

  /** Computes f's gradients w.r.t. `vars` (default: all trainable variables), applies them, returns the loss. */
  minimize(f: () => tf.Scalar, vars?: tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(f, vars);
    // like torch, a variable the loss does not reach (e.g. an unused embedding shard) still gets a zero gradient,
    // so its decay and moments advance exactly as with one table
    for (const v of vars ?? []) if (!grads[v.name]) grads[v.name] = tf.zerosLike(v);
    try {
      this.applyGradients(grads);
    } finally {
      Object.values(grads).forEach((g) => g.dispose());
    }
    return value;
  }

  /** A copy of the state (step and both moments of every variable that has them), read with async data(). */
  async stateDict(): Promise<AdamWState> {
    const expAvg = new Map<string, AdamWTensor>();
    const expAvgSq = new Map<string, AdamWTensor>();
    for (const [name, m] of this.m) {
      const v = this.v.get(name)!;
      expAvg.set(name, { shape: [...m.shape], data: Float32Array.from((await m.data()) as Float32Array) });
      expAvgSq.set(name, { shape: [...v.shape], data: Float32Array.from((await v.data()) as Float32Array) });
    }
    return { step: this.step, expAvg, expAvgSq };
  }

  /**
   * Replaces the state with `state` (e.g. from a checkpoint). Everything is checked before anything changes: the
   * step, that both maps name the same registered trainable variables, shapes, lengths and finiteness.
   */
  loadStateDict(state: AdamWState): void {
    if (!state || typeof state !== 'object') throw new TypeError('AdamW.loadStateDict: state must be { step, expAvg, expAvgSq }');
    if (!Number.isInteger(state.step) || state.step < 0) throw new RangeError(`AdamW.loadStateDict: step must be an integer >= 0, got ${state.step}`);
    if (!(state.expAvg instanceof Map) || !(state.expAvgSq instanceof Map)) throw new TypeError('AdamW.loadStateDict: expAvg and expAvgSq must be Maps');
    const registry = tf.engine().registeredVariables;
    for (const [field, map, other] of [['expAvg', state.expAvg, state.expAvgSq], ['expAvgSq', state.expAvgSq, state.expAvg]] as const) {
      for (const [name, t] of map) {
        if (!other.has(name)) throw new Error(`AdamW.loadStateDict: ${field} has ${name} but ${field === 'expAvg' ? 'expAvgSq' : 'expAvg'} does not`);
        const p = registry[name];
        if (!p) throw new Error(`AdamW.loadStateDict: ${field}: no variable named ${name}`);
        if (!p.trainable) throw new Error(`AdamW.loadStateDict: ${field}: variable ${name} is not trainable`);
        if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) throw new TypeError(`AdamW.loadStateDict: ${field}.${name} must be { shape, data: Float32Array }`);
        if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
          throw new Error(`AdamW.loadStateDict: ${field}.${name} has shape [${t.shape.join(', ')}], the variable has [${p.shape.join(', ')}]`);
        }
        if (t.data.length !== p.size) throw new Error(`AdamW.loadStateDict: ${field}.${name} has ${t.data.length} values, expected ${p.size}`);
        for (let i = 0; i < t.data.length; i++) {
          if (!Number.isFinite(t.data[i])) throw new Error(`AdamW.loadStateDict: ${field}.${name} has a non-finite value (${t.data[i]}) at flat index ${i}`);
        }
      }
    }
    this.dispose();
    for (const [name, t] of state.expAvg) {
      const sq = state.expAvgSq.get(name)!;
      const a = tf.tensor(t.data, t.shape, 'float32');
      const b = tf.tensor(sq.data, sq.shape, 'float32');
      this.m.set(name, tf.variable(a, false, `${name}/adamw_m`));
      this.v.set(name, tf.variable(b, false, `${name}/adamw_v`));
      a.dispose(); // the variables hold their own references
      b.dispose();
    }
    this.step = state.step;
  }

  /** Frees the optimizer state. */
  dispose(): void {
    this.m.forEach((t) => t.dispose());
    this.v.forEach((t) => t.dispose());
    this.m.clear();
    this.v.clear();
  }
}

/** Scales gradients in place (returns new tensors, disposing the old) so their global L2 norm is <= maxNorm. Returns the norm before clipping. */
export async function clipGradNorm(grads: Record<string, tf.Tensor>, maxNorm: number): Promise<number> {
  const normT = tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))));
  const norm = (await normT.data())[0];
  normT.dispose();
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const k of Object.keys(grads)) {
      const old = grads[k];
      grads[k] = tf.mul(old, coef);
      old.dispose();
    }
  }
  return norm;
}
