// Seeded pseudo-random numbers (mulberry32) for weight init, dropout seeds and sampling: the same seed gives the
// same numbers on every backend and platform. The rules that derive the seed of each weight tensor and of each dropout
// mask from the user's seed are named here (checkpoints and tests depend on their exact values).

/** The Rng seed of checkpoint tensor number `tensorIndex` (tensorShapes order) of a model initialised with `seed`. */
export function initTensorSeed(seed: number, tensorIndex: number): number {
  return seed * 7919 + tensorIndex + 1;
}

/** The seed of a loss() call's first dropout mask (tf.randomUniform's seed); each further mask takes the next integer. */
export function firstDropoutSeed(callSeed: number): number {
  return callSeed * 1000003;
}

/** 2^32 / golden ratio: spreads small seeds over the generator's 32-bit state. */
const GOLDEN_GAMMA = 0x9e3779b9;

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (Math.floor(seed) ^ GOLDEN_GAMMA) >>> 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Fills `out` with N(0, std^2) samples (Box-Muller). */
  normal(out: Float32Array, std: number): Float32Array {
    for (let i = 0; i < out.length; i += 2) {
      const u1 = 1 - this.next();
      const u2 = this.next();
      const r = Math.sqrt(-2 * Math.log(u1)) * std;
      out[i] = r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
    }
    return out;
  }
}
