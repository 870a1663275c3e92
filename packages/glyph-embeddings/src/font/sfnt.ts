// sfnt container checks and WOFF1 -> sfnt decoding (pure JS; zlib via the web-standard DecompressionStream,
// available in Node >= 18 and all browsers). No Node built-ins.
import { GlyphEmbeddingsError } from '../errors.js';

export type FontFormat = 'ttf' | 'otf' | 'ttc' | 'woff';

const TAG_TTF = 0x00010000, TAG_TRUE = 0x74727565, TAG_OTTO = 0x4f54544f, TAG_TTCF = 0x74746366;
const TAG_WOFF = 0x774f4646, TAG_WOF2 = 0x774f4632;

function tagString(v: number): string {
  return String.fromCharCode((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
}

/** Identifies a font file by its first four bytes; throws naming `source` for anything else. */
export function sniffFontFormat(bytes: Uint8Array, source: string): FontFormat {
  if (bytes.length < 12) throw new GlyphEmbeddingsError(`${source}: not a font file (only ${bytes.length} bytes; TTF/OTF/WOFF need at least 12)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = dv.getUint32(0);
  if (tag === TAG_TTF || tag === TAG_TRUE) return 'ttf';
  if (tag === TAG_OTTO) return 'otf';
  if (tag === TAG_TTCF) return 'ttc';
  if (tag === TAG_WOFF) return 'woff';
  if (tag === TAG_WOF2) throw new GlyphEmbeddingsError(`${source}: WOFF2 is not supported (needs brotli + glyf reconstruction); use the .woff, .ttf or .otf file`);
  const printable = /^[\x20-\x7e]{4}$/.test(tagString(tag)) ? ` ('${tagString(tag)}')` : '';
  throw new GlyphEmbeddingsError(`${source}: not a TTF/OTF/WOFF font: unknown signature 0x${tag.toString(16).padStart(8, '0')}${printable}`);
}

export interface SfntTable { tag: string; offset: number; length: number }

/** Reads and validates an sfnt table directory at `base` (0 for TTF/OTF); every table must lie inside the file. */
export function readSfntDirectory(bytes: Uint8Array, source: string, base = 0): SfntTable[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (base + 12 > bytes.length) throw new GlyphEmbeddingsError(`${source}: truncated: sfnt header at ${base} needs 12 bytes, file has ${bytes.length}`);
  const numTables = dv.getUint16(base + 4);
  if (numTables === 0 || numTables > 1000) throw new GlyphEmbeddingsError(`${source}: bad sfnt header: numTables = ${numTables}`);
  const dirEnd = base + 12 + 16 * numTables;
  if (dirEnd > bytes.length) throw new GlyphEmbeddingsError(`${source}: truncated: table directory (${numTables} tables) ends at byte ${dirEnd}, file has ${bytes.length}`);
  const tables: SfntTable[] = [];
  for (let i = 0; i < numTables; i++) {
    const r = base + 12 + 16 * i;
    const tag = tagString(dv.getUint32(r));
    const offset = dv.getUint32(r + 8), length = dv.getUint32(r + 12);
    if (offset + length > bytes.length) {
      throw new GlyphEmbeddingsError(`${source}: truncated: table '${tag}' spans bytes ${offset}..${offset + length}, file has ${bytes.length}`);
    }
    tables.push({ tag, offset, length });
  }
  const tags = new Set(tables.map((t) => t.tag));
  for (const need of ['cmap', 'head', 'hhea', 'hmtx', 'maxp']) {
    if (!tags.has(need)) throw new GlyphEmbeddingsError(`${source}: bad font: required table '${need}' is missing`);
  }
  if (!(tags.has('glyf') && tags.has('loca')) && !tags.has('CFF ') && !tags.has('CFF2')) {
    throw new GlyphEmbeddingsError(`${source}: bad font: no outlines (neither 'glyf'+'loca' nor 'CFF '/'CFF2')`);
  }
  return tables;
}

async function inflateZlib(data: Uint8Array, expected: number, what: string): Promise<Uint8Array> {
  const ds = new DecompressionStream('deflate');
  const out = new Uint8Array(expected);
  let pos = 0;
  const writer = ds.writable.getWriter();
  const reading = (async () => {
    const reader = ds.readable.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (pos + value.length > expected) throw new GlyphEmbeddingsError(`${what}: inflates to more than the declared ${expected} bytes`);
      out.set(value, pos);
      pos += value.length;
    }
  })();
  try {
    await writer.write(data as Uint8Array<ArrayBuffer>);
    await writer.close();
  } catch {
    /* the reader reports the error */
  }
  try {
    await reading;
  } catch (e) {
    if (e instanceof GlyphEmbeddingsError) throw e;
    throw new GlyphEmbeddingsError(`${what}: corrupt zlib data (${(e as Error).message})`);
  }
  if (pos !== expected) throw new GlyphEmbeddingsError(`${what}: inflated to ${pos} bytes, header says ${expected}`);
  return out;
}

/** Decodes a WOFF 1.0 file into the equivalent sfnt (TTF/OTF) bytes. Deterministic. */
export async function woffToSfnt(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 44) throw new GlyphEmbeddingsError(`${source}: truncated WOFF: header needs 44 bytes, file has ${bytes.length}`);
  const flavor = dv.getUint32(4);
  const declaredLength = dv.getUint32(8);
  const numTables = dv.getUint16(12);
  if (declaredLength !== bytes.length) {
    throw new GlyphEmbeddingsError(`${source}: truncated or padded WOFF: header length ${declaredLength} != file size ${bytes.length}`);
  }
  if (numTables === 0 || numTables > 1000) throw new GlyphEmbeddingsError(`${source}: bad WOFF header: numTables = ${numTables}`);
  if (44 + 20 * numTables > bytes.length) throw new GlyphEmbeddingsError(`${source}: truncated WOFF: table directory needs ${44 + 20 * numTables} bytes`);
  const entries: { tag: number; offset: number; comp: number; orig: number; checksum: number }[] = [];
  for (let i = 0; i < numTables; i++) {
    const r = 44 + 20 * i;
    const e = { tag: dv.getUint32(r), offset: dv.getUint32(r + 4), comp: dv.getUint32(r + 8), orig: dv.getUint32(r + 12), checksum: dv.getUint32(r + 16) };
    if (e.offset + e.comp > bytes.length) {
      throw new GlyphEmbeddingsError(`${source}: truncated WOFF: table '${tagString(e.tag)}' data spans ${e.offset}..${e.offset + e.comp}, file has ${bytes.length}`);
    }
    if (e.comp > e.orig) throw new GlyphEmbeddingsError(`${source}: bad WOFF: table '${tagString(e.tag)}' compLength ${e.comp} > origLength ${e.orig}`);
    entries.push(e);
  }
  const datas = await Promise.all(entries.map((e) => {
    const raw = bytes.subarray(e.offset, e.offset + e.comp);
    return e.comp < e.orig ? inflateZlib(raw, e.orig, `${source}: WOFF table '${tagString(e.tag)}'`) : Promise.resolve(raw);
  }));
  // Rebuild the sfnt: offset table, records (sorted by tag as the spec requires), 4-byte aligned tables.
  const order = entries.map((_, i) => i).sort((a, b) => entries[a].tag - entries[b].tag);
  let size = 12 + 16 * numTables;
  for (const e of entries) size += (e.orig + 3) & ~3;
  const out = new Uint8Array(size);
  const ov = new DataView(out.buffer);
  let es = 0;
  while (2 ** (es + 1) <= numTables) es++;
  ov.setUint32(0, flavor);
  ov.setUint16(4, numTables);
  ov.setUint16(6, 16 * 2 ** es);
  ov.setUint16(8, es);
  ov.setUint16(10, numTables * 16 - 16 * 2 ** es);
  let off = 12 + 16 * numTables;
  order.forEach((idx, k) => {
    const e = entries[idx];
    const r = 12 + 16 * k;
    ov.setUint32(r, e.tag);
    ov.setUint32(r + 4, e.checksum);
    ov.setUint32(r + 8, off);
    ov.setUint32(r + 12, e.orig);
    out.set(datas[idx], off);
    off += (e.orig + 3) & ~3;
  });
  return out;
}
