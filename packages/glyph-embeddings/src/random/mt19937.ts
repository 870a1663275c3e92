// MT19937 with the exact seeding and draws of CPython's `random` (seed(int) -> init_by_array) and numpy's legacy
// RandomState (seed(int) -> init_genrand), so the reference pipeline's "random" constants are reproduced exactly.

const N = 624, M = 397;

export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private mti = N + 1;

  /** numpy RandomState(seed) / init_genrand. */
  static initGenrand(seed: number): MT19937 {
    const g = new MT19937();
    g.initGenrand(seed >>> 0);
    return g;
  }

  /** CPython random.seed(n) for a non-negative int n: init_by_array(32-bit words of n, little end first). */
  static python(seed: number): MT19937 {
    if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`MT19937.python: seed must be a non-negative integer, got ${seed}`);
    const key: number[] = [];
    let v = seed;
    do { key.push(v % 2 ** 32); v = Math.floor(v / 2 ** 32); } while (v > 0);
    const g = new MT19937();
    g.initByArray(key);
    return g;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = N;
  }

  private initByArray(key: number[]): void {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++; j++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) { mt[0] = mt[N - 1]; i = 1; }
    }
    mt[0] = 0x80000000;
    this.mti = N;
  }

  /** Next 32-bit output (genrand_uint32). */
  uint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0, y = 0;
      for (; kk < N - M; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      for (; kk < N - 1; kk++) {
        y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.random() / numpy rand(): 53-bit double in [0, 1). */
  random(): number {
    const a = this.uint32() >>> 5, b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** CPython random.getrandbits(k) for 1 <= k <= 32. */
  getrandbits(k: number): number {
    return this.uint32() >>> (32 - k);
  }

  /** CPython random.uniform(a, b) = a + (b - a) * random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** CPython random.randint(a, b) (inclusive), via _randbelow's getrandbits rejection sampling. */
  randint(a: number, b: number): number {
    const n = b - a + 1;
    if (n <= 0) throw new RangeError(`randint: empty range ${a}..${b}`);
    const k = 32 - Math.clz32(n);
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return a + r;
  }
}
