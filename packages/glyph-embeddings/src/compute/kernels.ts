// Hand-assembled WebAssembly kernels (scalar i64.popcnt and 128-bit SIMD), identical bytes and results in Node and
// browsers, for the hot loops of the build: bit co-occurrence counts (popdot), binary-row projection (rowsum, f32x4),
// Givens-rotation replay for the eigensolver (replay, f64x2; IEEE-identical to the scalar JS update, no FMA) and
// the Householder tridiagonalisation inner loops (f64x2). `wasmKernels()` returns null where WebAssembly SIMD is
// unavailable; callers then use their plain-JS loops.

const I32 = 0x7f, I64 = 0x7e, F64 = 0x7c, V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out; }
    out.push(b | 0x80);
  }
}
function str(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
}
function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

// Instruction helpers.
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const add = [0x6a], mul = [0x6c], shl = [0x74], geu = [0x4f];
const i32load = (off = 0) => [0x28, 0x02, ...uleb(off)];
const f64load = (off = 0) => [0x2b, 0x03, ...uleb(off)];
const f64store = (off = 0) => [0x39, 0x03, ...uleb(off)];
const i64load = (off = 0) => [0x29, 0x03, ...uleb(off)];
const vload = (off = 0) => [0xfd, 0x00, 0x04, ...uleb(off)];
const vstore = (off = 0) => [0xfd, 0x0b, 0x04, ...uleb(off)];
const f64x2splat = [0xfd, 0x14], f32x4add = [0xfd, 0xe4, 0x01];
const f64x2add = [0xfd, 0xf0, 0x01], f64x2sub = [0xfd, 0xf1, 0x01], f64x2mul = [0xfd, 0xf2, 0x01];
const f64x2lane = (l: number) => [0xfd, 0x21, l];
const f64add = [0xa0], f64mul = [0xa2];
const block = [0x02, 0x40], loop = [0x03, 0x40], end = [0x0b];
const brIf = (d: number) => [0x0d, d], br = (d: number) => [0x0c, d];
/** `local += c` (i32). */
const inc = (l: number, c: number) => [...get(l), ...i32c(c), ...add, ...set(l)];
/** while (a < b) { body } using locals a, b (i32). */
const whileLt = (a: number, b: number, body: number[]) => [...block, ...loop, ...get(a), ...get(b), ...geu, ...brIf(1), ...body, ...br(0), ...end, ...end];

interface Fn { name: string; params: number[]; results: number[]; locals: [number, number][]; body: number[] }

// popdot(a, b, n): sum of popcount(a[w] & b[w]) over n 64-bit words (n % 4 == 0) -> i32.
const popdot: Fn = (() => {
  const A = 0, B = 1, N = 2, S = 3, E = 4;
  const term = (off: number) => [...get(A), ...i64load(off), ...get(B), ...i64load(off), 0x83, 0x7b, 0x7c];
  return {
    name: 'popdot', params: [I32, I32, I32], results: [I32], locals: [[1, I64], [1, I32]],
    body: [
      ...get(A), ...get(N), ...i32c(3), ...shl, ...add, ...set(E),
      ...whileLt(A, E, [...get(S), ...term(0), ...term(8), ...term(16), ...term(24), ...set(S), ...inc(A, 32), ...inc(B, 32)]),
      ...get(S), 0xa7,
    ],
  };
})();

// rowsum(out, idx, nidx, vbase, stride, kbytes): out[0..kbytes) += sum_t V[idx[t]*stride .. +kbytes) (f32, kbytes % 64 == 0).
// Indices are taken four at a time (out += (Va + Vb) + (Vc + Vd)), then one at a time for the tail.
const rowsum: Fn = (() => {
  const OUT = 0, IDX = 1, NIDX = 2, VB = 3, STR = 4, KB = 5, TE = 6, T4 = 7, P = 8, DST = 9, SA = 10, SB = 11, SC = 12, SD = 13;
  const src = (l: number, off: number) => [...get(VB), ...get(IDX), ...i32load(off), ...get(STR), ...mul, ...add, ...set(l)];
  const lane4 = (off: number) => [
    ...get(DST), ...get(DST), ...vload(off),
    ...get(SA), ...vload(off), ...get(SB), ...vload(off), ...f32x4add, ...get(SC), ...vload(off), ...get(SD), ...vload(off), ...f32x4add, ...f32x4add,
    ...f32x4add, ...vstore(off),
  ];
  const lane1 = (off: number) => [...get(DST), ...get(DST), ...vload(off), ...get(SA), ...vload(off), ...f32x4add, ...vstore(off)];
  const incAll = [...inc(DST, 64), ...inc(SA, 64), ...inc(SB, 64), ...inc(SC, 64), ...inc(SD, 64)];
  return {
    name: 'rowsum', params: [I32, I32, I32, I32, I32, I32], results: [], locals: [[8, I32]],
    body: [
      ...get(IDX), ...get(NIDX), ...i32c(2), ...shl, ...add, ...set(TE),
      ...get(IDX), ...get(NIDX), ...i32c(-4), 0x71, ...i32c(2), ...shl, ...add, ...set(T4), // i32.and 0x71
      ...whileLt(IDX, T4, [
        ...src(SA, 0), ...src(SB, 4), ...src(SC, 8), ...src(SD, 12),
        ...get(OUT), ...set(DST), ...get(OUT), ...get(KB), ...add, ...set(P),
        ...whileLt(DST, P, [...lane4(0), ...lane4(16), ...lane4(32), ...lane4(48), ...incAll]),
        ...inc(IDX, 16),
      ]),
      ...whileLt(IDX, TE, [
        ...src(SA, 0),
        ...get(OUT), ...set(DST), ...get(OUT), ...get(KB), ...add, ...set(P),
        ...whileLt(DST, P, [...lane1(0), ...lane1(16), ...lane1(32), ...lane1(48), ...inc(DST, 64), ...inc(SA, 64)]),
        ...inc(IDX, 4),
      ]),
    ],
  };
})();

// replay(wbase, stride, idx, cs, count, kb0, kblen): for each logged rotation q (row pair i=idx[q], i+1; c, s = cs[2q..]):
//   on bytes [kb0, kb0+kblen) of both rows: h' = s*v + c*h, v' = c*v - s*h (v = row i, h = row i+1).
const replay: Fn = (() => {
  const WB = 0, ST = 1, IDX = 2, CS = 3, CNT = 4, K0 = 5, KL = 6, QE = 7, R0 = 8, R1 = 9, E = 10, VC = 11, VS = 12, V = 13, H = 14;
  return {
    name: 'replay', params: [I32, I32, I32, I32, I32, I32, I32], results: [], locals: [[4, I32], [4, V128]],
    body: [
      ...get(IDX), ...get(CNT), ...i32c(2), ...shl, ...add, ...set(QE),
      ...whileLt(IDX, QE, [
        ...get(WB), ...get(IDX), ...i32load(0), ...get(ST), ...mul, ...add, ...get(K0), ...add, ...set(R0),
        ...get(R0), ...get(ST), ...add, ...set(R1),
        ...get(R0), ...get(KL), ...add, ...set(E),
        ...get(CS), ...f64load(0), ...f64x2splat, ...set(VC),
        ...get(CS), ...f64load(8), ...f64x2splat, ...set(VS),
        ...whileLt(R0, E, [
          ...get(R0), ...vload(0), ...set(V),
          ...get(R1), ...vload(0), ...set(H),
          ...get(R1), ...get(VS), ...get(V), ...f64x2mul, ...get(VC), ...get(H), ...f64x2mul, ...f64x2add, ...vstore(0),
          ...get(R0), ...get(VC), ...get(V), ...f64x2mul, ...get(VS), ...get(H), ...f64x2mul, ...f64x2sub, ...vstore(0),
          ...inc(R0, 16), ...inc(R1, 16),
        ]),
        ...inc(IDX, 4), ...inc(CS, 16),
      ]),
    ],
  };
})();

// dot(a, b, nbytes) -> f64: sum a[k]*b[k] in two f64x2 lanes (lane sums added at the end). nbytes % 16 == 0.
const dot: Fn = (() => {
  const A = 0, B = 1, NB = 2, E = 3, ACC = 4;
  return {
    name: 'dot', params: [I32, I32, I32], results: [F64], locals: [[1, I32], [1, V128]],
    body: [
      ...get(A), ...get(NB), ...add, ...set(E),
      ...whileLt(A, E, [...get(ACC), ...get(A), ...vload(0), ...get(B), ...vload(0), ...f64x2mul, ...f64x2add, ...set(ACC), ...inc(A, 16), ...inc(B, 16)]),
      ...get(ACC), ...f64x2lane(0), ...get(ACC), ...f64x2lane(1), ...f64add,
    ],
  };
})();

// axpy2(y, x1, a1, x2, a2, nbytes): y[k] -= a1*x1[k] + a2*x2[k]. (rank-2 update row; a2 = 0 gives axpy)
const axpy2: Fn = (() => {
  const Y = 0, X1 = 1, A1 = 2, X2 = 3, A2 = 4, NB = 5, E = 6, V1 = 7, V2 = 8;
  return {
    name: 'axpy2', params: [I32, I32, F64, I32, F64, I32], results: [], locals: [[1, I32], [2, V128]],
    body: [
      ...get(A1), ...f64x2splat, ...set(V1), ...get(A2), ...f64x2splat, ...set(V2),
      ...get(Y), ...get(NB), ...add, ...set(E),
      ...whileLt(Y, E, [
        ...get(Y), ...get(Y), ...vload(0),
        ...get(V1), ...get(X1), ...vload(0), ...f64x2mul, ...get(V2), ...get(X2), ...vload(0), ...f64x2mul, ...f64x2add,
        ...f64x2sub, ...vstore(0),
        ...inc(Y, 16), ...inc(X1, 16), ...inc(X2, 16),
      ]),
    ],
  };
})();

// dotaxpy(w, d, e, f, nbytes) -> f64: g = sum w[k]*d[k]; e[k] += w[k]*f  (tred2's symmetric mat-vec column step).
const dotaxpy: Fn = (() => {
  const W = 0, D = 1, EE = 2, F = 3, NB = 4, END = 5, ACC = 6, VF = 7, X = 8;
  return {
    name: 'dotaxpy', params: [I32, I32, I32, F64, I32], results: [F64], locals: [[1, I32], [3, V128]],
    body: [
      ...get(F), ...f64x2splat, ...set(VF),
      ...get(W), ...get(NB), ...add, ...set(END),
      ...whileLt(W, END, [
        ...get(W), ...vload(0), ...set(X),
        ...get(ACC), ...get(X), ...get(D), ...vload(0), ...f64x2mul, ...f64x2add, ...set(ACC),
        ...get(EE), ...get(EE), ...vload(0), ...get(X), ...get(VF), ...f64x2mul, ...f64x2add, ...vstore(0),
        ...inc(W, 16), ...inc(D, 16), ...inc(EE, 16),
      ]),
      ...get(ACC), ...f64x2lane(0), ...get(ACC), ...f64x2lane(1), ...f64add,
    ],
  };
})();
void f64mul; void f64store;

function assemble(fns: Fn[]): Uint8Array {
  const types = fns.map((f) => [0x60, ...uleb(f.params.length), ...f.params, ...uleb(f.results.length), ...f.results]);
  const typeSec = section(1, [...uleb(fns.length), ...types.flat()]);
  const funcSec = section(3, [...uleb(fns.length), ...fns.flatMap((_, i) => uleb(i))]);
  const memSec = section(5, [1, 0x00, 1]);
  const exps = [[...str('mem'), 0x02, 0], ...fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)])];
  const expSec = section(7, [...uleb(exps.length), ...exps.flat()]);
  const bodies = fns.map((f) => {
    const locals = [...uleb(f.locals.length), ...f.locals.flatMap(([n, t]) => [...uleb(n), t])];
    const b = [...locals, ...f.body, ...end];
    return [...uleb(b.length), ...b];
  });
  const codeSec = section(10, [...uleb(fns.length), ...bodies.flat()]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSec, ...funcSec, ...memSec, ...expSec, ...codeSec]);
}

export interface WasmKernels {
  memory: WebAssembly.Memory;
  /** Makes sure the memory holds at least `bytes` bytes (views must be re-made after). */
  reserve(bytes: number): void;
  popdot(a: number, b: number, words64: number): number;
  rowsum(out: number, idx: number, nidx: number, vbase: number, stride: number, kbytes: number): void;
  replay(wbase: number, stride: number, idx: number, cs: number, count: number, kb0: number, kblen: number): void;
  dot(a: number, b: number, nbytes: number): number;
  axpy2(y: number, x1: number, a1: number, x2: number, a2: number, nbytes: number): void;
  dotaxpy(w: number, d: number, e: number, f: number, nbytes: number): number;
}

let cached: WasmKernels | null | undefined;
let disabled = false;

/** Forces the plain-JS paths (tests of the fallback). */
export function disableWasmKernels(off = true): void {
  disabled = off;
}

/** A fresh kernel instance (own memory; use one per concurrent job), or null without WebAssembly SIMD. */
export function createWasmKernels(): WasmKernels | null {
  if (disabled || typeof WebAssembly === 'undefined') return null;
  try {
    const bytes = assemble([popdot, rowsum, replay, dot, axpy2, dotaxpy]);
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), {});
    const ex = inst.exports as Record<string, unknown>;
    const memory = ex.mem as WebAssembly.Memory;
    return {
      memory,
      reserve(n: number) {
        const need = Math.ceil(n / 65536) - memory.buffer.byteLength / 65536;
        if (need > 0) memory.grow(need);
      },
      popdot: ex.popdot as WasmKernels['popdot'],
      rowsum: ex.rowsum as WasmKernels['rowsum'],
      replay: ex.replay as WasmKernels['replay'],
      dot: ex.dot as WasmKernels['dot'],
      axpy2: ex.axpy2 as WasmKernels['axpy2'],
      dotaxpy: ex.dotaxpy as WasmKernels['dotaxpy'],
    };
  } catch {
    return null;
  }
}

/** A shared kernel instance (created once), or null. */
export function wasmKernels(): WasmKernels | null {
  if (disabled) return null;
  if (cached === undefined) cached = createWasmKernels();
  return cached;
}
