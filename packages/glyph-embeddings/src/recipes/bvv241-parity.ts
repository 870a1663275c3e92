// The computation shared by the Node and browser parity tests of the paper's recipe: render 1,024 tokens of the
// real bvv241-2-3 vocabulary (monograms of many scripts, specials, fillers, n-grams) with the bvv241-2-3 recipe
// (cells, constant augmentation, squeeze), hash the images, build their matrix (full-rank PCA, L2, plain-JS
// compute) and hash its float32 bytes. BVV241_PARITY_GOLDEN holds the digests both tests assert.
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { buildEmbeddings } from '../build.js';
import type { GlyphFont } from '../font/font.js';
import { sha256Hex } from '../sha256.js';
import { renderToken } from '../render.js';
import { stringListTokenizer } from '../viz/words.js';

export const BVV241_PARITY_GOLDEN = {
  render: '5299d984088c83ca2c3dac1b6071d0f0c5a3764a391639cfdb29ff1191217d8b',
  matrix: '15e9d453e514378a299e7245605cfc411ad39cb2ecf40a93cf0c809d6920d6ac',
};

/** 1,024 ids spread over the whole vocabulary with a fixed odd stride (every region of the id layout is hit). */
export function bvv241ParityIds(): number[] {
  return Array.from({ length: 1024 }, (_, k) => (k * 40503 + 17) % 65536);
}

export async function bvv241Digest(font: GlyphFont): Promise<{ tokens: number; renderDigest: string; matrixDigest: string }> {
  const tok = bvv241('2-3');
  const texts = bvv241ParityIds().map((id) => tok.tokenString(id));
  const per = 32 * 32;
  const all = new Uint8Array(per * texts.length);
  texts.forEach((t, i) => all.set(renderToken(font, t, { recipe: 'bvv241-2-3' }).data, i * per));
  const sub = await stringListTokenizer(texts, 'bvv241-2-3-parity');
  const m = await buildEmbeddings(sub, { recipe: 'bvv241-2-3', font, compute: 'js', parallel: false });
  const le = new Uint8Array(m.data.length * 4);
  const dv = new DataView(le.buffer);
  m.data.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return { tokens: m.rows, renderDigest: await sha256Hex(all), matrixDigest: await sha256Hex(le) };
}
