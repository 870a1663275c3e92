// The wasm decode kernel: the committed module is the assembly of decode-fill.wat; on synthetic vocabularies (tokens
// of 0 to 40 UTF-8 bytes, ids left to the caller) it equals plain concatenation across chunk and flush boundaries;
// bvv241 decode through it equals the JS loop on random ids of every array type, for both variants and lossless
// mode, including escapes that straddle a kernel window; bad ids past the first window are reported by position.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bvv241 } from '../index.js';
import { rng } from '../testing/random-text.js';
import { Utf8Fill } from './utf8-fill.js';

const script = fileURLToPath(new URL('../../../../scripts/build-wasm-kernels.mjs', import.meta.url));
const kernelDir = fileURLToPath(new URL('.', import.meta.url));
const enc = new TextEncoder();

describe('decode fill kernel', () => {
  it('the committed decode-fill.wasm.ts is the assembly of decode-fill.wat', () => {
    expect(() => execFileSync(process.execPath, [script, '--check', kernelDir], { stdio: 'pipe' })).not.toThrow();
  });

  it('equals concatenation on synthetic vocabularies with long and caller-handled tokens', () => {
    const r = rng(1);
    const ranges = [[0x20, 0x7f], [0xa0, 0x800], [0x800, 0xd800], [0xe000, 0x10000]];
    for (let v = 0; v < 6; v++) {
      const V = 20 + Math.floor(r() * 200);
      const tokens = Array.from({ length: V }, () => {
        const len = Math.floor(r() * (r() < 0.2 ? 14 : 5));
        let s = '';
        for (let j = 0; j < len; j++) { const [a, b] = ranges[Math.floor(r() * 4)]; s += String.fromCharCode(a + Math.floor(r() * (b - a))); }
        return s;
      });
      const bytes = tokens.map((t) => enc.encode(t));
      const slow = (id: number) => id % 7 === 3;
      const fill = Utf8Fill.create(V, (id) => bytes[id], slow)!;
      expect(fill).not.toBeNull();
      let called = 0;
      for (const n of [0, 1, 65535, 65536, 65537, 300_000]) {
        const ids = Uint32Array.from({ length: n }, () => Math.floor(r() * V));
        const want = Array.from(ids, (id) => tokens[id]).join('');
        const got = fill.decode(ids, (all, i) => { called++; return { bytes: bytes[all[i]], used: 1 }; });
        expect(got === want).toBe(true);
      }
      expect(called).toBeGreaterThan(0);
    }
  });

  it.each([['2-3', false], ['max', false], ['2-3', true], ['max', true]] as const)('bvv241-%s (lossless %s) decodes as the JS loop on random ids', (variant, lossless) => {
    const tok = bvv241(variant, { lossless });
    const js = (ids: ArrayLike<number>) => (tok as unknown as { decodeUtf8Js(ids: ArrayLike<number>): string | null }).decodeUtf8Js(ids);
    const r = rng(variant.length + (lossless ? 10 : 0));
    for (const n of [1, 1000, 70_000, 200_000]) {
      const ids = Uint32Array.from({ length: n }, () => Math.floor(r() * tok.vocabSize));
      const want = js(ids);
      if (want === null) continue; // a lossless escape of a lone surrogate: decoded through UTF-16 instead
      expect(tok.decode(ids) === want).toBe(true);
      expect(tok.decode(Int32Array.from(ids)) === want).toBe(true);
      expect(tok.decode(Array.from(ids)) === want).toBe(true);
    }
  });

  it('lossless escapes that straddle the 65,536-id kernel window decode whole', () => {
    const tok = bvv241('2-3', { lossless: true });
    const a = tok.encode('a')[0];
    for (const astral of ['😀', '\u{1F9E0}', '\u{20000}', '\uE000', '\uD800']) {
      const esc = [...tok.encode(astral)];
      expect(esc.length).toBeGreaterThan(1);
      for (const before of [65534, 65535, 65536]) {
        const ids = [...new Array(before).fill(a), ...esc, a];
        expect(tok.decode(ids) === 'a'.repeat(before) + astral + 'a').toBe(true);
      }
    }
  });

  it('bad ids past the first window name their position', () => {
    const tok = bvv241('2-3');
    const ids: number[] = new Array(70_000).fill(104);
    for (const bad of [-1, 2.5, NaN, 65536]) {
      ids[69_999] = bad;
      expect(() => tok.decode(ids)).toThrow(RangeError);
      expect(() => tok.decode(ids)).toThrow(/69999/);
    }
    const i32 = new Int32Array(70_000).fill(104);
    i32[66_000] = -5;
    expect(() => tok.decode(i32)).toThrow(/-5.*66000|66000.*-5/);
  });
});
