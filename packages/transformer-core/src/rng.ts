// Seeded pseudo-random numbers (mulberry32) for weight init, dropout seeds and sampling: the same seed gives the
// same numbers on every backend and platform.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
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
