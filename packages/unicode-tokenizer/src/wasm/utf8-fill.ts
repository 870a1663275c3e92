// Decoding ids to text through the wasm SIMD fill kernel (decode-fill.wat): ids are copied into a wasm memory in
// chunks, the kernel writes each token's UTF-8 bytes (<= 15, length in the slot's last byte) with one 16-byte store, and TextDecoder reads the bytes
// straight out of that memory. Ids the kernel leaves (longer tokens, lossless escapes, bad ids) are handled here.
// About 3x faster than the same loop in JS; engines without wasm SIMD keep the JS loop (create() returns null).
import { decodeFillWasmBase64 } from './decode-fill.wasm.js';
import { badId } from '../ids.js';

type Fill = (ids: number, i: number, n: number, V: number, table: number, out: number, k: number, cap: number) => number;

/** What the caller makes of an id the kernel left: its bytes and how many ids they stand for, or null to give up. */
export type SlowToken = (ids: ArrayLike<number>, i: number) => { bytes: Uint8Array; used: number } | null;

const CHUNK = 1 << 16; // ids per kernel window
const OUT_CAP = 1 << 22; // bytes of output before it is decoded into a piece (4 MiB: most texts are one piece)
const SLOW = 255;

let compiled: WebAssembly.Module | null | undefined;
const utf8 = new TextDecoder('utf-8');

function module(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const s = atob(decodeFillWasmBase64);
      const bytes = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
      compiled = new WebAssembly.Module(bytes as BufferSource);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

export class Utf8Fill {
  private readonly fill: Fill;
  private readonly u8: Uint8Array;
  private readonly u32: Uint32Array;
  private readonly table = 16;
  private readonly idsAt: number;
  private readonly outAt: number;

  /**
   * tokenBytes(id): the UTF-8 bytes of token id; slow(id): ids the kernel must leave to the caller (escapes).
   * Returns null where the engine lacks wasm SIMD.
   */
  static create(V: number, tokenBytes: (id: number) => Uint8Array, slow: (id: number) => boolean): Utf8Fill | null {
    const m = module();
    return m ? new Utf8Fill(m, V, tokenBytes, slow) : null;
  }

  private constructor(m: WebAssembly.Module, private readonly V: number, tokenBytes: (id: number) => Uint8Array, slow: (id: number) => boolean) {
    const align = (x: number) => (x + 15) & ~15;
    this.idsAt = align(this.table + V * 16);
    this.outAt = this.idsAt + CHUNK * 4;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((this.outAt + OUT_CAP + 16) / 65536) });
    this.fill = new WebAssembly.Instance(m, { env: { memory } }).exports.fill as Fill;
    this.u8 = new Uint8Array(memory.buffer);
    this.u32 = new Uint32Array(memory.buffer);
    for (let id = 0; id < V; id++) {
      const b = tokenBytes(id);
      const slot = this.table + id * 16;
      if (slow(id) || b.length > 15) this.u8[slot + 15] = SLOW;
      else {
        this.u8.set(b, slot);
        this.u8[slot + 15] = b.length; // the length rides in the slot's last byte
      }
    }
  }

  /** The text of ids; `slowToken` handles what the kernel leaves. null when slowToken gives up. */
  decode(ids: ArrayLike<number>, slowToken: SlowToken): string | null {
    const { u8, u32, V, idsAt, outAt } = this;
    const n = ids.length;
    const pieces: string[] = [];
    const cap = OUT_CAP;
    let k = 0;
    const flush = () => {
      if (k) pieces.push(utf8.decode(u8.subarray(outAt, outAt + k)));
      k = 0;
    };
    const exact = ids instanceof Uint32Array || ids instanceof Int32Array || ids instanceof Uint16Array || ids instanceof Uint8Array;
    let p = 0;
    while (p < n) {
      const m = Math.min(CHUNK, n - p);
      const w = idsAt >> 2;
      if (exact) u32.set((ids as Uint32Array).subarray(p, p + m), w); // Int32 negatives become >= V
      else for (let j = 0; j < m; j++) {
        const x = ids[p + j];
        u32[w + j] = (x >>> 0) === x ? x : 0xffffffff; // fractions, NaN, negatives: >= V, reported below
      }
      let i = 0;
      while (i < m) {
        i = this.fill(idsAt, i, m, V, this.table, outAt, k, cap);
        k = u32[0];
        if (i >= m) break;
        if (k + 16 > cap) { flush(); continue; }
        const id = ids[p + i];
        if (!(id >= 0 && id < V && (id | 0) === id)) badId(id, p + i, V);
        const s = slowToken(ids, p + i);
        if (!s) return null;
        if (k + s.bytes.length > cap) flush();
        if (s.bytes.length > cap) pieces.push(utf8.decode(s.bytes));
        else { u8.set(s.bytes, outAt + k); k += s.bytes.length; }
        i += s.used; // an escape may reach past this window: the next one starts after it
      }
      p += i;
    }
    flush();
    return pieces.length === 1 ? pieces[0] : pieces.join('');
  }
}
