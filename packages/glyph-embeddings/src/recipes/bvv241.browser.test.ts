// Browser half of the bvv241 parity check (vitest browser mode, Debian chromium): 1,024 real bvv241-2-3 tokens
// rendered with the paper's recipe (rotation, shift, noise, squeeze, polar order) and their full-rank PCA matrix
// must hash to the same digests as in Node (src/recipes/bvv241-parity.test.ts).
import { describe, expect, it } from 'vitest';
import woffUrl from '@fontsource/unifontex/files/unifontex-latin-400-normal.woff?url';
import { loadFont } from '../font/font.js';
import { BVV241_PARITY_GOLDEN, bvv241Digest } from './bvv241-parity.js';

describe('bvv241-2-3 recipe in chromium', () => {
  it('renders 1,024 tokens and builds their matrix byte-identical to Node', async () => {
    const r = await fetch(woffUrl);
    const font = await loadFont(new Uint8Array(await r.arrayBuffer()), { source: woffUrl });
    const d = await bvv241Digest(font);
    expect(d.tokens).toBe(1024);
    expect(d.renderDigest).toBe(BVV241_PARITY_GOLDEN.render);
    expect(d.matrixDigest).toBe(BVV241_PARITY_GOLDEN.matrix);
  });
});
