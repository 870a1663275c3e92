// Browser half of the parity check (vitest browser mode, Debian chromium): the same 1,200 tokens rendered with the
// same fonts (fetched through vite) and the same small PCA matrix must hash to the digests parity.test.ts asserts
// in Node. Also exercises the PNG encoder and SVG output in a real DOM.
import { describe, expect, it } from 'vitest';
import woffUrl from '@fontsource/unifontex/files/unifontex-latin-400-normal.woff?url';
import dejavuUrl from 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url';
import { loadFont } from '../font/font.js';
import { sampleTokenStrings } from './sample.js';
import { shapedDigest } from './parity-digest.js';
import { shapeText } from './shape.js';
import { encodePng } from '../viz/png.js';
import { map2d } from '../viz/map2d.js';
import { map2dSvg } from '../viz/svg.js';

const GOLDEN = {
  render: '3d5e4baf0292400148bc689f1578832f5eedef030e6a7d2039f83db8c0e4c1a0',
  matrix: '53a2a15c2d3bc22855cfb44d1b72b215124b07a13692b8f0920beb7f06d93809',
};

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

describe('shaped pipeline in chromium', () => {
  it('renders 1,200 tokens and builds a 256 x 32 matrix byte-identical to Node', async () => {
    const uf = await loadFont(await fetchBytes(woffUrl), { source: woffUrl });
    const dv = await loadFont(await fetchBytes(dejavuUrl), { source: dejavuUrl });
    // GSUB Arabic joining works in the browser too
    const s = shapeText([dv], 'مرحبا');
    expect([...s.glyphs].sort((a, b) => a.cluster - b.cluster).map((g) => g.gid)).toEqual([0xfee3, 0xfeae, 0xfea3, 0xfe92, 0xfe8e].map((cp) => dv.glyphId(cp)));
    const t0 = performance.now();
    const d = await shapedDigest([dv, uf], sampleTokenStrings(1200), { cell: 16, matrixRows: 256, k: 32 });
    console.log(`browser: 1200 tokens + PCA in ${(performance.now() - t0).toFixed(0)} ms`, JSON.stringify(d));
    expect(d.tokens).toBe(1200);
    expect(d.renderDigest).toBe(GOLDEN.render);
    expect(d.matrixDigest).toBe(GOLDEN.matrix);
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
