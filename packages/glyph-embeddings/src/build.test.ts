// buildEmbeddings: matrix fidelity against an independent float64 computation from the bit vectors
// (cos(E_i, E_j) = cos(b_i - mu, b_j - mu), reference-impl.md §2.6), missing-glyph reporting, the JS vs wasm
// projection paths, determinism and the cache. Uses GNU Unifont (skips when absent) and the real bvv241 vocabulary.
import { existsSync, readFileSync } from 'node:fs';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEmbeddings } from './build.js';
import { memoryCacheStore } from './cache.js';
import { defaultFont } from './font/default.js';
import { loadFont, type GlyphFont } from './font/font.js';
import { MT19937 } from './random/mt19937.js';
import { polarBits } from './recipes/polar.js';
import { renderToken } from './render.js';
import type { TokenizerLike } from './types.js';

const UNIFONT = '/usr/share/fonts/opentype/unifont/unifont.otf';
const haveFont = existsSync(UNIFONT);
if (!haveFont) console.warn(`build fidelity tests skipped: ${UNIFONT} not installed`);

/** A tokenizer made of a seeded sample of another tokenizer's ids (row i = token sample[i]). */
function sampleTokenizer(base: TokenizerLike, count: number, seed: number): TokenizerLike & { ids: number[] } {
  const g = MT19937.initGenrand(seed);
  const ids = new Set<number>();
  // always include a few specials, fillers, unused and '\n'
  for (const id of [10, 32, 57344, 57345, 57400, 65535]) if (id < base.vocabSize) ids.add(id);
  while (ids.size < count) ids.add(g.uint32() % base.vocabSize);
  const list = [...ids];
  return {
    ids: list, name: `${base.name}-sample${count}`, vocabSize: list.length, fingerprint: `${base.fingerprint}:sample:${count}:${seed}`,
    tokenString: (i) => base.tokenString(list[i]), isSpecial: (i) => base.isSpecial(list[i]),
  };
}

function cosine(a: Float64Array | Float32Array, ao: number, b: Float64Array | Float32Array, bo: number, n: number): number {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < n; k++) { ab += a[ao + k] * b[bo + k]; aa += a[ao + k] ** 2; bb += b[bo + k] ** 2; }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

describe.skipIf(!haveFont)('buildEmbeddings bvv241-2-3', () => {
  let font: GlyphFont;
  let tok: ReturnType<typeof sampleTokenizer>;
  let centred: Float64Array;
  const N = 3000, dim = 1024;
  beforeAll(async () => {
    font = await loadFont(readFileSync(UNIFONT), { source: UNIFONT });
    tok = sampleTokenizer(await bvv241('2-3'), N, 11);
    // independent reference: bits from the image path, float64 centring
    const bits = new Float64Array(N * dim);
    for (let i = 0; i < N; i++) bits.set(polarBits(renderToken(font, tok.tokenString(i), { recipe: 'bvv241-2-3' })), i * dim);
    const mu = new Float64Array(dim);
    for (let i = 0; i < N; i++) for (let k = 0; k < dim; k++) mu[k] += bits[i * dim + k] / N;
    centred = bits.map((v, idx) => v - mu[idx % dim]);
  });

  it.each(['auto', 'js'] as const)('cosines equal the centred bit vectors within 1e-5 on 4,000 seeded pairs (compute %s)', async (compute) => {
    const m = await buildEmbeddings(tok, { recipe: 'bvv241-2-3', font, compute });
    expect([m.rows, m.dim, m.data.length]).toEqual([N, dim, N * dim]);
    const g = MT19937.initGenrand(compute === 'js' ? 5 : 6);
    let worst = 0;
    for (let p = 0; p < 4000; p++) {
      const i = g.uint32() % N, j = g.uint32() % N;
      const ref = cosine(centred, i * dim, centred, j * dim, dim);
      const got = cosine(m.data, i * dim, m.data, j * dim, dim);
      worst = Math.max(worst, Math.abs(ref - got));
    }
    expect(worst).toBeLessThan(1e-5);
    // rows are unit length (float32), components in descending variance
    for (let i = 0; i < N; i += 97) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += m.data[i * dim + k] ** 2;
      if (centred.subarray(i * dim, (i + 1) * dim).some((v) => v !== 0)) expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    }
    const varOf = (c: number) => { let s = 0, s2 = 0; for (let i = 0; i < N; i++) { s += m.data[i * dim + c]; s2 += m.data[i * dim + c] ** 2; } return s2 / N - (s / N) ** 2; };
    expect(varOf(0)).toBeGreaterThan(varOf(100));
    expect(varOf(100)).toBeGreaterThan(varOf(1000));
    expect(m.meta.pca?.components).toBe(1024);
    expect(m.meta.recipe).toBe('bvv241-2-3');
    expect(m.meta.fontHash).toBe(font.hash);
  });

  it('is deterministic: two builds give identical bytes', async () => {
    const small = sampleTokenizer(tok, 500, 3);
    const a = await buildEmbeddings(small, { recipe: 'bvv241-2-3', font });
    const b = await buildEmbeddings(small, { recipe: 'bvv241-2-3', font });
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
  });

  it('reports tokens with missing glyphs and never crashes on them', async () => {
    const strings = ['A', '\uFFFE', 'x\uFFFEy', '\u{1F600}', 'ok', '\uD800', '<s>'];
    const t: TokenizerLike = { vocabSize: strings.length, fingerprint: 'missing-test', tokenString: (i) => strings[i], isSpecial: (i) => i === 6 };
    const m = await buildEmbeddings(t, { recipe: 'bvv241-2-3', font });
    expect(m.meta.missingGlyphTokens).toBe(4);
    expect(m.meta.missingCodePoints).toEqual(['U+FFFE', 'U+1F600', 'U+D800']);
    expect(m.data.every(Number.isFinite)).toBe(true);
  });

  it('fallbackFonts: code points the primary font lacks come from the next font (then they are not missing)', async () => {
    const ex = await defaultFont(); // UnifontEX has emoji, GNU Unifont's BMP face does not
    const strings = ['\u{1F600}', 'A\u{1F600}', '\uFFFE'];
    const t: TokenizerLike = { vocabSize: 3, fingerprint: 'fallback-test', tokenString: (i) => strings[i], isSpecial: () => false };
    const alone = await buildEmbeddings(t, { recipe: 'bvv241-2-3', font });
    const chained = await buildEmbeddings(t, { recipe: 'bvv241-2-3', font, fallbackFonts: [ex] });
    expect(alone.meta.missingGlyphTokens).toBe(3);
    expect(chained.meta.missingGlyphTokens).toBe(1); // U+FFFE is in neither font
    const notdef = renderToken(font, '\u{1F600}');
    const viaEx = renderToken(font, '\u{1F600}', { fallbackFonts: [ex] });
    expect(viaEx.data.filter((v) => v === 0).length).toBeGreaterThan(notdef.data.filter((v) => v === 0).length + 50);
    expect(chained.meta.fontHash).toBe(`${font.hash},${ex.hash}`);
  });

  it('caches under tokenizer + font + recipe and reuses the entry; a corrupt entry is rebuilt', async () => {
    const small = sampleTokenizer(tok, 300, 4);
    const store = memoryCacheStore();
    const a = await buildEmbeddings(small, { recipe: 'bvv241-2-3', font, cache: store });
    expect(store.map.size).toBe(1);
    const b = await buildEmbeddings(small, { recipe: 'bvv241-2-3', font, cache: store });
    expect(b.meta.cacheHit).toBe(true);
    expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    // different recipe -> different key
    await buildEmbeddings(small, { recipe: 'bvv241-max', font, cache: store });
    expect(store.map.size).toBe(2);
    // corrupt every entry: truncated and bit-flipped entries are never read back
    const [k1, k2] = [...store.map.keys()];
    store.map.set(k1, store.map.get(k1)!.subarray(0, 1000));
    const flipped = store.map.get(k2)!.slice();
    flipped[flipped.length - 5] ^= 1;
    store.map.set(k2, flipped);
    const c = await buildEmbeddings(small, { recipe: 'bvv241-2-3', font, cache: store });
    expect(c.meta.cacheHit).toBeUndefined();
    expect(Buffer.from(c.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
    const d = await buildEmbeddings(small, { recipe: 'bvv241-max', font, cache: store });
    expect(d.meta.cacheHit).toBeUndefined();
  });
});
