// Node half of the bvv241 Node/browser parity check: the digests of 1,024 real bvv241-2-3 tokens rendered with the
// paper's recipe and of their matrix are pinned; src/recipes/bvv241.browser.test.ts asserts the same in chromium.
import { describe, expect, test } from 'vitest';
import { defaultFont } from '../font/default.js';
import { BVV241_PARITY_GOLDEN, bvv241Digest } from './bvv241-parity.js';

describe('bvv241-2-3 recipe parity digest (UnifontEX)', () => {
  test('renders and matrix hash to the pinned values', async () => {
    const d = await bvv241Digest(await defaultFont());
    console.log('bvv241 parity digest', JSON.stringify(d));
    expect(d.tokens).toBe(1024);
    expect(d.renderDigest).toBe(BVV241_PARITY_GOLDEN.render);
    expect(d.matrixDigest).toBe(BVV241_PARITY_GOLDEN.matrix);
  });
});
