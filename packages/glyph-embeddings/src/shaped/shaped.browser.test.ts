// Browser half of the parity check (vitest browser mode, Debian chromium): the same 1,200 tokens rendered with the
// same fonts (fetched through vite) and the same small PCA matrix must hash to the digests parity.test.ts asserts
// in Node. Also exercises the PNG encoder and SVG output in a real DOM.
import { describe, expect, it } from 'vitest';
import woffUrl from '@fontsource/unifontex/files/unifontex-latin-400-normal.woff?url';
import dejavuUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import { loadFont } from '../font/font.js';
import { sha256Hex } from '../sha256.js';
import { decodePng } from '../../test/png.js';
import { PARITY_GOLDEN, shapedDigest } from './parity-digest.js';
import { shapeText } from './shape.js';
import { encodePng } from '../viz/png.js';
import { map2d } from '../viz/map2d.js';
import { map2dSvg } from '../viz/svg.js';
import { map2dDigest } from '../viz/map2d-parity.js';

const GAUSS_GOLDEN = 'd116968d0c03830a1b2d1bcabede6d6878322d6e69588af4992d43d2c9c14863';
const DETMATH_GOLDEN = '105b7feb25dc9dc803d94bc816633ee434523b62ebd15025f533c57ce0bd07e6';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

describe('shaped pipeline in chromium', () => {
  it('renders 1,200 tokens and builds a 1,200 x 32 shaped matrix byte-identical to Node', async () => {
    const uf = await loadFont(await fetchBytes(woffUrl), { source: woffUrl });
    const dv = await loadFont(await fetchBytes(dejavuUrl), { source: dejavuUrl });
    // GSUB Arabic joining works in the browser too
    const s = shapeText([dv], 'مرحبا');
    expect([...s.glyphs].sort((a, b) => a.cluster - b.cluster).map((g) => g.gid)).toEqual([0xfee3, 0xfeae, 0xfea3, 0xfe92, 0xfe8e].map((cp) => dv.glyphId(cp)));
    const t0 = performance.now();
    const d = await shapedDigest([dv, uf]);
    const { sheetPng, ...digests } = d;
    console.log(`browser: 1200 tokens rendered + buildEmbeddings in ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(digests));
    expect(d.tokens).toBe(1200);
    expect(d.renderDigest).toBe(PARITY_GOLDEN.render);
    expect(d.matrixDigest).toBe(PARITY_GOLDEN.matrix);
    const sheet = await decodePng(sheetPng);
    expect([sheet.width, sheet.height]).toEqual(PARITY_GOLDEN.sheetSize);
    expect(await sha256Hex(sheet.data)).toBe(PARITY_GOLDEN.sheet);
  });

  it.each([
    ['pca', 'ec77baf6d6f23628ac877cb5ff189b7b425c13007c162396903feed8b35b23a0'],
    ['tsne', '93383bd2749d774c1e4a65b3d2f2c2e8cbf17074671b120eafc6b6f08ac9fe82'],
  ] as const)('map2d %s coordinates are bit-identical to Node', async (method, digest) => {
    expect(await map2dDigest(method)).toBe(digest);
  });

  it('map2d umap is deterministic per seed in the browser (umap-js uses engine Math.exp/pow: Node differs)', async () => {
    const a = await map2dDigest('umap');
    expect(await map2dDigest('umap')).toBe(a);
    console.log(`browser umap digest ${a} (Node: 61a897f4d0bef6e37533e413a602d7369eaea1c2a33c7257307fa1c338aa801a)`);
  });

  it('seeded Gaussian codes and detExp/detLog are bit-identical to Node', async () => {
    const { randomFloatCodes } = await import('../ablations/codes.js');
    const { detExp, detLog } = await import('../ablations/detmath.js');
    const g = randomFloatCodes(500, 16, 3).data;
    const xs = new Float64Array(4000).map((_, i) => detExp((i - 2000) / 7.3) + detLog(i + 0.5));
    expect(await sha256Hex(new Uint8Array(g.buffer))).toBe(GAUSS_GOLDEN);
    expect(await sha256Hex(new Uint8Array(xs.buffer))).toBe(DETMATH_GOLDEN);
  });

  it('PNG bytes decode in the browser and the SVG map parses as XML', async () => {
    const w = 37, h = 23, data = new Uint8Array(w * h * 4);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 5)) & 255;
    for (let i = 3; i < data.length; i += 4) data[i] = 255; // opaque, so canvas round-trips exactly
    const png = encodePng({ width: w, height: h, channels: 4, data });
    const bmp = await createImageBitmap(new Blob([png as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
    const cv = new OffscreenCanvas(w, h); const ctx = cv.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const back = ctx.getImageData(0, 0, w, h).data;
    expect(Array.from(back)).toEqual(Array.from(data));
    const m = { rows: 12, dim: 3, data: new Float32Array(36).map((_, i) => Math.sin(i * 1.7)) };
    const pts = await map2d(m, Array.from({ length: 12 }, (_, i) => i), { method: 'tsne', perplexity: 3 });
    const labels = pts.map((p) => `w<${p.id}>&`);
    const doc = new DOMParser().parseFromString(map2dSvg(pts, { labels }), 'image/svg+xml');
    expect(doc.getElementsByTagName('parsererror').length).toBe(0);
    expect(Array.from(doc.getElementsByTagName('text'), (t) => t.textContent)).toEqual(labels);
  });
});
