// Parity with Pillow itself: test/pillow_ref.py renders tokens with Pillow + numpy exactly as the reference
// notebooks do (getbbox centring, rotate/paste/noise/blur/threshold/resize); our bit rows must be identical.
// Runs when /usr/bin/python3 has Pillow (Debian python3-pil) and GNU Unifont is installed; skips otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { describe, expect, it } from 'vitest';
import { loadFont } from '../font/font.js';
import { MT19937 } from '../random/mt19937.js';
import { BVV241_VARIANTS, bvv241Rows } from './bvv241.js';
import { bitsToHex } from './polar.js';

const UNIFONT = '/usr/share/fonts/opentype/unifont/unifont.otf';
const PY = process.env.PYTHON ?? '/usr/bin/python3';
const script = fileURLToPath(new URL('../../test/pillow_ref.py', import.meta.url));
const havePillow = existsSync(UNIFONT) && spawnSync(PY, ['-c', 'import PIL, numpy'], { stdio: 'ignore' }).status === 0;
if (!havePillow) console.warn(`Pillow parity skipped: needs ${PY} with Pillow + numpy (apt-get install python3-pil) and ${UNIFONT}`);

describe.skipIf(!havePillow)('bvv241 bits equal Pillow + numpy (reference pipeline) on seeded vocabulary samples', () => {
  it.each([['2-3', 3000], ['max', 2000], ['abs', 400]] as const)('bvv241-%s, %i tokens', async (variant, count) => {
    const font = await loadFont(readFileSync(UNIFONT), { source: UNIFONT });
    const full = await bvv241(variant === 'abs' ? 'max' : variant);
    const g = MT19937.initGenrand(variant.length * 17 + count);
    const ids = [65, 10, 32, 57344, 57400, full.vocabSize - 1, 0x301, 0xfffe];
    while (ids.length < count) ids.push(g.uint32() % full.vocabSize);
    const strings = ids.map((id) => full.tokenString(id));
    const tok = { vocabSize: strings.length, fingerprint: 'parity', tokenString: (i: number) => strings[i], isSpecial: () => false };
    const v = BVV241_VARIANTS[`bvv241-${variant}`];
    const m = bvv241Rows(v, tok, { options: { font }, reportMissing: () => {} });
    const ref = execFileSync(PY, [script, variant, UNIFONT], { input: JSON.stringify(strings), encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n');
    expect(ref.length).toBe(count);
    const bad: string[] = [];
    const bits = new Uint8Array(m.dim);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < m.dim; k++) bits[k] = (m.words[i * m.wordsPerRow + (k >> 5)] >>> (k & 31)) & 1;
      if (bitsToHex(bits) !== ref[i]) bad.push(`id ${ids[i]} ${JSON.stringify(strings[i])}`);
    }
    expect(bad.slice(0, 10), `${bad.length} of ${count} tokens differ from Pillow`).toEqual([]);
  });
});
