// Golden tests of the bvv241 recipes against the reference notebooks' own images (reference-impl.md §2.7),
// with GNU Unifont 15.0.01 (Debian fonts-unifont). Skips with a message when the font or ../shared is absent.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../test/png.js';
import { loadFont } from '../font/font.js';
import { MT19937 } from '../random/mt19937.js';
import { renderToken } from '../render.js';
import { augmentParams, BVV241_VARIANTS, bvv241Rows, isEasyScript, noiseMask, pillowRotateFixed } from './bvv241.js';
import { bitsToHex, polarBits, polarOrder } from './polar.js';

const UNIFONT = '/usr/share/fonts/opentype/unifont/unifont.otf';
const GOLDEN = new URL('../../../../../shared/data/bvv241/golden/', import.meta.url).pathname;
const haveFont = existsSync(UNIFONT);
const haveGolden = existsSync(GOLDEN);
if (!haveFont) console.warn(`bvv241 golden tests skipped: ${UNIFONT} not installed (apt-get install fonts-unifont)`);
if (!haveGolden) console.warn(`bvv241 golden PNG tests skipped: ${GOLDEN} absent`);

const HEX = {
  'bvv241-2-3 A': 'b9a8cb28c9e080b1218890820024908200024e808042c2e04e401c2c42a0c0820180920a2200b012020022001a0000000000080020000000020000000000000000000000000000000000000000000000000000000000000000000000000000000000000040000000000000000000000000000000000000000000000010000000',
  'bvv241-2-3 BC': '0000000000020c00c050000030000000120008009200c080062114000042900406001020004480840401e0022081e04042001833010000d313804090408040cb0c010001000040e08001408000020040801040800020004010000000000008400000000000000000800000000000000000000000000000000000000000000020',
  'bvv241-max A': '2331f3d2783c220829012202810c220a804080046022e0c00f108e2c20e0208c2e008a0a090810102020aa0088000802000c080010000000032000000001000854008008000000010002000000000001000000000000000000000000100000000000000040000008002000000000080000010000000002001000000010000000',
  'bvv241-max BC': '00000420c0c0803000888000012000000013000000000200242104c842925888080005c820004d1008080001c8a1200090109a2104202021028200c2004000000000e001c0c0c1014000c0408004001122110000408402000000000008000881000001000100004c820000003000200000002000000000000000000000000020',
} as const;

describe('reference constants', () => {
  it('MT19937 seeding reproduces the augmentation constants', () => {
    expect(augmentParams(BVV241_VARIANTS['bvv241-2-3'], true)).toEqual({ angle: 1.11541438766307, dx: -2, dy: 0, noise: 0.01 });
    expect(augmentParams(BVV241_VARIANTS['bvv241-max'], true)).toEqual({ angle: 1.9519751784103718, dx: -3, dy: 2, noise: 0.03 });
    expect(augmentParams(BVV241_VARIANTS['bvv241-abs'], false)).toEqual({ angle: 0, dx: 0, dy: 0, noise: 0.001 });
  });
  it('numpy seed(42) noise masks', () => {
    const pts = (w: number, h: number, p: number) => {
      const m = noiseMask(w, h, p), out: [number, number][] = [];
      m.forEach((v, i) => { if (v) out.push([Math.floor(i / w), i % w]); });
      return out;
    };
    expect(pts(32, 32, 0.01)).toEqual([[2, 8], [4, 0], [6, 13], [6, 16], [25, 21]]);
    expect(pts(32, 32, 0.03).length).toBe(32);
    expect(pts(32, 32, 0.001)).toEqual([]);
    expect(pts(64, 64, 0.001)).toEqual([[40, 44], [45, 22], [56, 42]]);
    // complex tokens of 3..8 chars get 2, 3, 7, 7, 8, 12 noise pixels before the squeeze
    expect([3, 4, 5, 6, 7, 8].map((n) => pts(32 * n, 32, 0.001).length)).toEqual([2, 3, 7, 7, 8, 12]);
  });
  it('MT19937 matches the reference genrand_uint32 stream for init_genrand(5489)', () => {
    const g = MT19937.initGenrand(5489);
    expect([g.uint32(), g.uint32(), g.uint32()]).toEqual([3499211612, 581869302, 3890346734]);
  });
  it('polar-snake order starts and ends as in the reference', () => {
    const o = Array.from(polarOrder(32, 32));
    expect(o.slice(0, 12)).toEqual([528, 496, 529, 560, 527, 495, 497, 561, 559, 464, 530, 592]);
    expect(o.slice(-4)).toEqual([1, 31, 992, 0]);
    expect(new Set(o).size).toBe(1024);
  });
  it('rotation coefficients are 16.16 fixed point of Pillow matrix; angle 0 is the identity', () => {
    const id = pillowRotateFixed(0, 64, 32);
    expect(id).toEqual({ a0: 65536, a1: 0, a2: 32768, a3: 0, a4: 65536, a5: 32768 });
  });
  it('easy-script classes', () => {
    expect(isEasyScript([0x41, 0x24f, 0x3b1, 0x44f, 0x531])).toBe(true);
    expect(isEasyScript([0x41, 0x4e00])).toBe(false);
    expect(isEasyScript([0x5d0])).toBe(false);
  });
});

describe.skipIf(!haveFont)('bvv241 rendering with GNU Unifont 15.0.01', async () => {
  const font = haveFont ? await loadFont(readFileSync(UNIFONT), { source: UNIFONT }) : (undefined as never);

  describe.skipIf(!haveGolden)('pixel-exact golden PNGs', () => {
    const cases: [string, string, string, boolean][] = [];
    for (const v of ['bvv241-2-3', 'bvv241-max', 'bvv241-abs']) {
      cases.push([v, 'A', 'A', true], [v, 'BC', 'BC-strip', false], [v, 'BC', 'BC', true]);
    }
    it.each(cases)('%s %s (%s)', async (recipe, text, file, squeeze) => {
      const g = await decodePng(new Uint8Array(readFileSync(`${GOLDEN}${recipe}.${file}.png`)));
      const r = renderToken(font, text, { recipe, squeeze });
      expect([r.width, r.height]).toEqual([g.width, g.height]);
      let diff = 0, ink = 0;
      for (let i = 0; i < g.data.length; i++) {
        if ((g.data[i] < 128) !== (r.data[i] < 128)) diff++;
        if (r.data[i] < 128) ink++;
      }
      expect(ink).toBeGreaterThan(50);
      expect(diff).toBe(0);
      // our image is pure 0/255
      expect(r.data.every((v) => v === 0 || v === 255)).toBe(true);
    });
  });

  it.each(Object.entries(HEX))('polar bit vector %s', (key, hex) => {
    const [recipe, text] = key.split(' ');
    const bits = polarBits(renderToken(font, text, { recipe }));
    expect(bitsToHex(bits)).toBe(hex);
  });

  it('the 2-3 "A" picture of reference-impl.md §2.7 (rows 2..7)', () => {
    const r = renderToken(font, 'A', { recipe: 'bvv241-2-3' });
    const row = (y: number) => Array.from(r.data.subarray(y * 32, y * 32 + 32), (v) => (v ? '.' : '#')).join('');
    expect(row(2)).toBe('........#.......................');
    expect(row(4)).toBe('#...............................');
    expect(row(6)).toBe('............#####...............');
    expect(row(7)).toBe('............####................');
    expect(row(25)).toBe('........##........##.#..........');
  });

  it("'\\n' is blank, a missing code point draws .notdef and is reported", () => {
    // '\n' draws nothing; only the easy-class noise pixels remain
    const nl = renderToken(font, '\n').data;
    const inkAt: number[] = [];
    nl.forEach((v, i) => { if (v === 0) inkAt.push(i); });
    expect(inkAt).toEqual([2 * 32 + 8, 4 * 32, 6 * 32 + 13, 6 * 32 + 16, 25 * 32 + 21]);
    const notdef = renderToken(font, '\uFFFE');
    expect(notdef.data.some((v) => v === 0)).toBe(true);
    const missing: [number, number][] = [];
    const tok = { vocabSize: 3, fingerprint: 'x', tokenString: (i: number) => ['A', '\uFFFE', 'x\uFFFE'][i], isSpecial: () => false };
    bvv241Rows(BVV241_VARIANTS['bvv241-2-3'], tok, { options: { font }, reportMissing: (id, cp) => missing.push([id, cp]) });
    expect(missing).toEqual([[1, 0xfffe], [2, 0xfffe]]);
  });

  it('fast row path equals polarBits(renderToken) on 3,000 seeded random tokens, all variants', () => {
    const g = MT19937.initGenrand(7);
    const pools = [[0x20, 0x7e], [0x400, 0x44f], [0x4e00, 0x9fff], [0xac00, 0xd7a3], [0x300, 0x36f], [0x600, 0x6ff], [0, 0x1f], [0xf900, 0xfffe]];
    const toks: string[] = ['<s>', '<special_token_57400>', '<unused_65535>', '\n', 'a\nb'];
    while (toks.length < 3000) {
      const n = 1 + (g.uint32() % 7);
      let s = '';
      const pool = pools[g.uint32() % pools.length];
      for (let i = 0; i < n; i++) {
        const p = g.uint32() % 4 === 0 ? pools[g.uint32() % pools.length] : pool;
        s += String.fromCodePoint(p[0] + (g.uint32() % (p[1] - p[0] + 1)));
      }
      toks.push(s);
    }
    const tok = { vocabSize: toks.length, fingerprint: 'x', tokenString: (i: number) => toks[i], isSpecial: () => false };
    for (const v of Object.values(BVV241_VARIANTS)) {
      const count = v.cell === 64 ? 600 : toks.length;
      const sub = { ...tok, vocabSize: count };
      const m = bvv241Rows(v, sub, { options: { font }, reportMissing: () => {} });
      let bad = -1;
      for (let id = 0; id < count && bad < 0; id++) {
        const bits = polarBits(renderToken(font, toks[id], { recipe: v.name }));
        for (let k = 0; k < bits.length; k++) {
          if (bits[k] !== ((m.words[id * m.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1)) { bad = id; break; }
        }
      }
      expect(bad, `${v.name}: first differing token ${JSON.stringify(toks[bad])}`).toBe(-1);
    }
  });
});
