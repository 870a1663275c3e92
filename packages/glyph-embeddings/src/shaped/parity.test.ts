// Node half of the Node/browser parity check: the same digests are asserted in shaped.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadFont } from '../font/font.js';
import { sha256Hex } from '../sha256.js';
import { decodePng } from '../../test/png.js';
import { PARITY_GOLDEN, shapedDigest } from './parity-digest.js';

const req = createRequire(import.meta.url);
const dejavu = (() => { try { return req.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'); } catch { return null; } })();

describe.skipIf(!dejavu)('shaped pipeline digest (Node side of the browser parity test)', () => {
  it('renders 1,200 multi-script tokens and builds a 1,200 x 32 shaped matrix to the golden digests', async () => {
    const uf = await loadFont(readFileSync(req.resolve('@fontsource/unifontex/files/unifontex-latin-400-normal.woff')), { source: 'unifontex.woff' });
    const dv = await loadFont(readFileSync(dejavu!), { source: 'DejaVuSans.ttf' });
    const d = await shapedDigest([dv, uf]);
    const { sheetPng, ...digests } = d;
    console.log('parity digests', JSON.stringify(digests));
    expect(d.tokens).toBe(1200);
    expect(d.missingTokens).toBe(5); // unassigned U+0380, U+0381, U+03A2
    expect(d.renderDigest, 'render digest moved: update PARITY_GOLDEN in parity-digest.ts if intended').toBe(PARITY_GOLDEN.render);
    expect(d.matrixDigest, 'matrix digest moved (rendering or PCA changed): update PARITY_GOLDEN if intended').toBe(PARITY_GOLDEN.matrix);
    const sheet = await decodePng(sheetPng);
    expect([sheet.width, sheet.height]).toEqual(PARITY_GOLDEN.sheetSize);
    expect(await sha256Hex(sheet.data), 'glyph sheet pixels moved').toBe(PARITY_GOLDEN.sheet);
  });
});
