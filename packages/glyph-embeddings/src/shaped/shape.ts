// Shapes a whole token string with HarfBuzz for the `shaped` recipe: itemize.ts gives script/bidi segments in
// visual order; inside a segment each grapheme-like cluster (base + combining marks / joiners) picks the first
// font of the chain that has all its code points (else the first that has its base); consecutive clusters with
// the same font are shaped together with the whole segment as context (so Arabic joins across a font change).
// Output: glyphs placed in em units (y up, baseline 0, pen starting at 0), left to right.
//
// Missing glyphs: a code point that no font in the chain maps (other than default-ignorables, which HarfBuzz
// hides) is drawn with the .notdef glyph of the font its cluster was given (the first font by default), and is
// listed in `missing`.
import * as hb from 'harfbuzzjs';
import type { GlyphFont } from '../font/font.js';
import { itemize, type Segment } from './itemize.js';

export interface ShapeOptions {
  /** Paragraph direction; default 'auto' (first strong character). */
  direction?: 'auto' | 'ltr' | 'rtl';
  /** OpenType features, HarfBuzz syntax (e.g. ['-liga', 'kern']). */
  features?: readonly string[];
}

/** A glyph placed on the line: `font` indexes the chain, (x, y) is its origin in em units (y up). */
export interface PlacedGlyph {
  font: number;
  gid: number;
  x: number;
  y: number;
  /** Code-unit offset of the glyph's cluster in the token string. */
  cluster: number;
}

export interface ShapedText {
  glyphs: PlacedGlyph[];
  /** Total advance (em). */
  advance: number;
  /** Code points no font in the chain had (drawn as .notdef), in logical order, with repeats. */
  missing: number[];
  segments: Segment[];
}

const MARKISH = /^[\p{M}\p{Default_Ignorable_Code_Point}\u200c\u200d]$/u;
const IGNORABLE = /^\p{Default_Ignorable_Code_Point}$/u;

let sharedBuffer: hb.Buffer | null = null;
const featureCache = new Map<string, hb.Feature[]>();

function features(list: readonly string[] | undefined): hb.Feature[] | undefined {
  if (!list || list.length === 0) return undefined;
  const key = list.join(',');
  let f = featureCache.get(key);
  if (!f) {
    f = list.map((s) => {
      const m = /^([+-]?)([A-Za-z0-9 ]{4})(?:=(\d+))?$/.exec(s);
      if (!m) throw new RangeError(`shaped: bad feature '${s}' (expected e.g. 'liga', '-kern', 'ss01=1')`);
      return new hb.Feature(m[2], m[1] === '-' ? 0 : m[3] !== undefined ? Number(m[3]) : 1);
    });
    featureCache.set(key, f);
  }
  return f;
}

interface Cluster { start: number; end: number; cps: number[] }

function clusters(text: string, seg: Segment): Cluster[] {
  const out: Cluster[] = [];
  for (let i = seg.start; i < seg.end;) {
    const cp = text.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const ch = text.slice(i, i + len);
    const last = out[out.length - 1];
    if (last && MARKISH.test(ch)) { last.end = i + len; last.cps.push(cp); } else out.push({ start: i, end: i + len, cps: [cp] });
    i += len;
  }
  return out;
}

/** Shapes `text` with the font chain `fonts` (fonts[0] is the primary font). */
export function shapeText(fonts: readonly GlyphFont[], text: string, opts: ShapeOptions = {}): ShapedText {
  if (fonts.length === 0) throw new RangeError('shapeText: the font chain is empty');
  const segments = itemize(text, { direction: opts.direction ?? 'auto' });
  const glyphs: PlacedGlyph[] = [];
  const missing: number[] = [];
  const feats = features(opts.features);
  const buf = (sharedBuffer ??= new hb.Buffer());
  let pen = 0;
  for (const seg of segments) {
    // font per cluster
    const cl = clusters(text, seg);
    const choice = cl.map((c) => {
      const needed = c.cps.filter((cp) => !IGNORABLE.test(String.fromCodePoint(cp)));
      let f = fonts.findIndex((font) => needed.every((cp) => font.hasCodePoint(cp)));
      if (f < 0) f = fonts.findIndex((font) => font.hasCodePoint(c.cps[0]));
      if (f < 0) f = 0;
      for (const cp of needed) if (!fonts.some((font) => font.hasCodePoint(cp))) missing.push(cp);
      return f;
    });
    // runs of equal font, logical order
    const runs: { font: number; start: number; end: number }[] = [];
    cl.forEach((c, k) => {
      const last = runs[runs.length - 1];
      if (last && last.font === choice[k]) last.end = c.end; else runs.push({ font: choice[k], start: c.start, end: c.end });
    });
    if (seg.rtl) runs.reverse();
    for (const run of runs) {
      const font = fonts[run.font];
      buf.reset();
      buf.addText(text, run.start, run.end - run.start);
      buf.setDirection(seg.rtl ? hb.Direction.RTL : hb.Direction.LTR);
      if (seg.script !== 'Zyyy' && seg.script !== 'Zzzz') buf.setScript(seg.script);
      buf.guessSegmentProperties();
      buf.setFlags((run.start === 0 ? hb.BufferFlag.BOT : 0) | (run.end === text.length ? hb.BufferFlag.EOT : 0));
      hb.shape(font.hbFont, buf, feats);
      const info = buf.getGlyphInfos(), pos = buf.getGlyphPositions();
      const inv = 1 / font.upem;
      for (let g = 0; g < info.length; g++) {
        glyphs.push({ font: run.font, gid: info[g].codepoint, x: pen + pos[g].xOffset * inv, y: pos[g].yOffset * inv, cluster: info[g].cluster });
        pen += pos[g].xAdvance * inv;
      }
    }
  }
  return { glyphs, advance: pen, missing, segments };
}
