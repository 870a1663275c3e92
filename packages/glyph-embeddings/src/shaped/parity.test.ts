// Node half of the Node/browser parity check: the same digests are asserted in shaped.browser.test.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadFont } from '../font/font.js';
import { sampleTokenStrings } from './sample.js';
import { shapedDigest } from './parity-digest.js';

const PARITY = { tokens: 1200, cell: 16, matrixRows: 256, k: 32 };
const GOLDEN = {
  render: '3d5e4baf0292400148bc689f1578832f5eedef030e6a7d2039f83db8c0e4c1a0',
  matrix: '53a2a15c2d3bc22855cfb44d1b72b215124b07a13692b8f0920beb7f06d93809',
};

const req = createRequire(import.meta.url);
const dejavu = (() => { try { return req.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'); } catch { return null; } })();

describe.skipIf(!dejavu)('shaped pipeline digest (Node side of the browser parity test)', () => {
  it('renders 1,200 multi-script tokens and a 256 x 32 PCA matrix to the golden digests', async () => {
    const uf = await loadFont(readFileSync(req.resolve('@fontsource/unifontex/files/unifontex-latin-400-normal.woff')), { source: 'unifontex.woff' });
    const dv = await loadFont(readFileSync(dejavu!), { source: 'DejaVuSans.ttf' });
    const d = await shapedDigest([dv, uf], sampleTokenStrings(PARITY.tokens), { cell: PARITY.cell, matrixRows: PARITY.matrixRows, k: PARITY.k });
    console.log('parity digests', JSON.stringify(d));
    expect(d.tokens).toBe(1200);
    expect(d.renderDigest).toBe(GOLDEN.render);
    expect(d.matrixDigest).toBe(GOLDEN.matrix);
  });
});
