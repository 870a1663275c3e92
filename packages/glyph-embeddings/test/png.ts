// Minimal PNG decoder for tests (8-bit grey/RGB/RGBA, 1/2/4-bit grey, palette; non-interlaced), using zlib inflate
// from the web-standard DecompressionStream. Returns grey 0..255 (luma of colour images).

async function inflate(data: Uint8Array): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate');
  const buf = await new Response(new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(ds)).arrayBuffer();
  return new Uint8Array(buf);
}

export interface DecodedPng { width: number; height: number; data: Uint8Array }

export async function decodePng(bytes: Uint8Array): Promise<DecodedPng> {
  const sig = [137, 80, 78, 71, 13, 10, 26, 10];
  for (let i = 0; i < 8; i++) if (bytes[i] !== sig[i]) throw new Error('not a PNG');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8, width = 0, height = 0, depth = 0, ctype = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | undefined;
  while (pos < bytes.length) {
    const len = dv.getUint32(pos), type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const body = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = dv.getUint32(pos + 8); height = dv.getUint32(pos + 12); depth = body[8]; ctype = body[9]; interlace = body[12];
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') idat.push(body);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (interlace) throw new Error('interlaced PNG not supported');
  const total = idat.reduce((s, b) => s + b.length, 0);
  const z = new Uint8Array(total);
  let o = 0;
  for (const b of idat) { z.set(b, o); o += b.length; }
  const raw = await inflate(z);
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[ctype];
  const bpp = Math.max(1, (channels * depth) >> 3);
  const stride = Math.ceil((width * channels * depth) / 8);
  const cur = new Uint8Array(stride), prev = new Uint8Array(stride);
  const out = new Uint8Array(width * height);
  let rp = 0;
  for (let y = 0; y < height; y++) {
    const f = raw[rp++];
    for (let i = 0; i < stride; i++) {
      const x = raw[rp++];
      const a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      let v: number;
      if (f === 0) v = x;
      else if (f === 1) v = x + a;
      else if (f === 2) v = x + b;
      else if (f === 3) v = x + ((a + b) >> 1);
      else {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      cur[i] = v & 255;
    }
    for (let x = 0; x < width; x++) {
      let g: number;
      if (depth < 8) {
        const bitPos = x * depth, byte = cur[bitPos >> 3], shift = 8 - depth - (bitPos & 7);
        const v = (byte >> shift) & ((1 << depth) - 1);
        g = ctype === 3 && palette ? palette[v * 3] : Math.round((v * 255) / ((1 << depth) - 1));
      } else if (ctype === 0 || ctype === 4) g = cur[x * bpp];
      else if (ctype === 3 && palette) g = palette[cur[x] * 3];
      else g = Math.round(0.299 * cur[x * bpp] + 0.587 * cur[x * bpp + 1] + 0.114 * cur[x * bpp + 2]);
      out[y * width + x] = g;
    }
    prev.set(cur);
  }
  return { width, height, data: out };
}

/** Encodes a grey image as an 8-bit greyscale PNG (zlib via CompressionStream). */
export async function encodeGreyPng(img: { width: number; height: number; data: Uint8Array }): Promise<Uint8Array> {
  const { width, height, data } = img;
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const z = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  const crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crcTable[n] = c >>> 0; }
  const chunk = (type: string, body: Uint8Array) => {
    const out = new Uint8Array(12 + body.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, body.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(body, 8);
    let c = 0xffffffff;
    for (let i = 4; i < 8 + body.length; i++) c = crcTable[(c ^ out[i]) & 255] ^ (c >>> 8);
    dv.setUint32(8 + body.length, (c ^ 0xffffffff) >>> 0);
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width); hv.setUint32(4, height); ihdr[8] = 8; ihdr[9] = 0;
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', z), chunk('IEND', new Uint8Array(0))];
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
