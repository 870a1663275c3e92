// GlyphFont: a loaded font (TTF/OTF/WOFF1) wrapped around harfbuzzjs Face/Font, with nominal glyph lookup,
// metrics in font units and glyph outlines as flat path commands (font units, y up). Browser-safe.
import * as hb from 'harfbuzzjs';
import { GlyphEmbeddingsError } from '../errors.js';
import { PATH_CLOSE, PATH_CUBIC, PATH_LINE, PATH_MOVE, PATH_QUAD, type PathCommands } from '../types.js';
import { sha256Hex } from '../sha256.js';
import { readSfntDirectory, sniffFontFormat, woffToSfnt, type FontFormat } from './sfnt.js';

/** Ink box of a glyph in font units, y up (xMin <= xMax, yMin <= yMax); all 0 for an empty glyph. */
export interface GlyphBox { xMin: number; yMin: number; xMax: number; yMax: number }

export interface LoadFontOptions {
  /** Name used in error messages and metadata (a file name or URL). Default `'<bytes>'`. */
  source?: string;
  /** Face index inside a TrueType collection (default 0). */
  faceIndex?: number;
}

class PathSink {
  buf = new Float64Array(1024);
  n = 0;
  push(...v: number[]): void {
    if (this.n + v.length > this.buf.length) {
      const b = new Float64Array(Math.max(this.buf.length * 2, this.n + v.length));
      b.set(this.buf.subarray(0, this.n));
      this.buf = b;
    }
    for (const x of v) this.buf[this.n++] = x;
  }
}

/** A font ready for drawing: harfbuzzjs objects plus cached metrics and outlines. Create with {@link loadFont}. */
export class GlyphFont {
  /** harfbuzzjs objects, for shaping (`hb.shape(font.hbFont, buffer)`). */
  readonly face: hb.Face;
  readonly hbFont: hb.Font;
  /** Units per em, ascender, descender (negative), line gap, in font units. */
  readonly upem: number;
  readonly ascender: number;
  readonly descender: number;
  readonly lineGap: number;
  private readonly outlines = new Map<number, PathCommands>();
  private readonly sink = new PathSink();
  private readonly draw: hb.DrawFuncs;

  constructor(
    /** Where the bytes came from (file name, URL or `'<bytes>'`). */
    readonly source: string,
    /** Container format of the original bytes. */
    readonly format: FontFormat,
    /** The sfnt (TTF/OTF) bytes handed to HarfBuzz (WOFF already decoded). */
    readonly sfnt: Uint8Array,
    /** SHA-256 hex of the original file bytes (used in cache keys and metadata). */
    readonly hash: string,
    faceIndex = 0,
  ) {
    this.face = new hb.Face(new hb.Blob(sfnt), faceIndex);
    this.hbFont = new hb.Font(this.face);
    this.upem = this.face.upem;
    const ext = this.hbFont.hExtents();
    this.ascender = ext.ascender;
    this.descender = ext.descender;
    this.lineGap = ext.lineGap;
    const s = this.sink;
    const d = new hb.DrawFuncs();
    d.setMoveToFunc((x, y) => s.push(PATH_MOVE, x, y));
    d.setLineToFunc((x, y) => s.push(PATH_LINE, x, y));
    d.setQuadraticToFunc((cx, cy, x, y) => s.push(PATH_QUAD, cx, cy, x, y));
    d.setCubicToFunc((ax, ay, bx, by, x, y) => s.push(PATH_CUBIC, ax, ay, bx, by, x, y));
    d.setClosePathFunc(() => s.push(PATH_CLOSE));
    this.draw = d;
  }

  /** Family name from the `name` table (id 1), or the source. */
  get familyName(): string {
    try {
      return this.face.getName(1, 'en') || this.source;
    } catch {
      return this.source;
    }
  }

  /** Nominal glyph id for a code point (cmap), or undefined when the font lacks it. */
  glyphId(cp: number): number | undefined {
    const g = this.hbFont.glyph(cp);
    return g === undefined || g === 0 ? undefined : g;
  }

  /** True if the font maps `cp` to a real glyph (not .notdef). */
  hasCodePoint(cp: number): boolean {
    return this.glyphId(cp) !== undefined;
  }

  /** Horizontal advance of a glyph in font units. */
  advance(gid: number): number {
    return this.hbFont.glyphHAdvance(gid);
  }

  /** Ink box of a glyph in font units (y up); all zeros for a glyph without ink. */
  glyphBox(gid: number): GlyphBox {
    const e = this.hbFont.glyphExtents(gid);
    if (!e || e.width === 0 || e.height === 0) return { xMin: 0, yMin: 0, xMax: 0, yMax: 0 };
    const x0 = e.xBearing, x1 = e.xBearing + e.width;
    const y0 = e.yBearing, y1 = e.yBearing + e.height; // height is negative (y up)
    return { xMin: Math.min(x0, x1), xMax: Math.max(x0, x1), yMin: Math.min(y0, y1), yMax: Math.max(y0, y1) };
  }

  /** The glyph outline as flat path commands in font units (y up). Cached; do not mutate the result. */
  glyphOutline(gid: number): PathCommands {
    let p = this.outlines.get(gid);
    if (p === undefined) {
      this.sink.n = 0;
      this.hbFont.drawGlyph(gid, this.draw);
      p = this.sink.buf.slice(0, this.sink.n);
      this.outlines.set(gid, p);
    }
    return p;
  }

  /** Drops cached outlines (memory). */
  clearCache(): void {
    this.outlines.clear();
  }
}

function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

/**
 * Loads a TTF, OTF, TTC or WOFF 1.0 font from its bytes. Throws a GlyphEmbeddingsError naming `source` and what is
 * wrong for anything else (WOFF2, random bytes, a truncated file, a font without cmap/outlines).
 */
export async function loadFont(input: Uint8Array | ArrayBuffer, opts: LoadFontOptions = {}): Promise<GlyphFont> {
  const source = opts.source ?? '<bytes>';
  const bytes = toBytes(input);
  const format = sniffFontFormat(bytes, source);
  let sfnt = bytes;
  if (format === 'woff') sfnt = await woffToSfnt(bytes, source);
  if (format === 'ttc') {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = dv.getUint32(8);
    const idx = opts.faceIndex ?? 0;
    if (idx >= n || 12 + 4 * (idx + 1) > bytes.length) throw new GlyphEmbeddingsError(`${source}: font collection has ${n} faces, no face ${idx}`);
    readSfntDirectory(bytes, source, dv.getUint32(12 + 4 * idx));
  } else {
    readSfntDirectory(sfnt, source, 0);
  }
  const hash = await sha256Hex(bytes);
  const font = new GlyphFont(source, format, sfnt, hash, format === 'ttc' ? opts.faceIndex ?? 0 : 0);
  if (!(font.upem >= 16 && font.upem <= 16384)) throw new GlyphEmbeddingsError(`${source}: bad font: unitsPerEm = ${font.upem}`);
  return font;
}
