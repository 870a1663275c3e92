// Script itemisation and a small bidi pass for the `shaped` recipe. Splits a token string into segments of one
// script and one embedding level, in *visual* order, ready to be shaped one by one by HarfBuzz.
//
// The bidi pass is a subset of UAX #9 for single tokens: no explicit embeddings/isolates or bracket pairs.
//  - strong classes come from the script: RTL scripts (Arabic, Hebrew, Syriac, Thaana, N'Ko, ...) are R, other
//    real scripts are L; ASCII/Arabic-Indic digits are numbers (EN/AN); everything else is neutral;
//  - paragraph level (P2/P3): first strong character; default LTR;
//  - W2/W7: a number after R is an RTL-embedded number (level +1 over R), after L or at the start of an LTR
//    paragraph it is L; N1/N2: a neutral run between two equal directions takes it, otherwise the paragraph's;
//  - L2: segments are reversed from the highest level down to the lowest odd level.
// Inherited characters (combining marks, ZWJ/ZWNJ, variation selectors) join the preceding character's segment,
// so HarfBuzz attaches marks to their base.

/** A shaped segment: the code-unit range [start, end) of the token, its script and bidi level. */
export interface Segment {
  text: string;
  start: number;
  end: number;
  /** ISO 15924 tag as HarfBuzz takes it ('Latn', 'Arab', 'Zyyy' for common-only text). */
  script: string;
  /** Embedding level: even = LTR, odd = RTL. */
  level: number;
  rtl: boolean;
}

const SCRIPTS: [string, string][] = [
  ['Latin', 'Latn'], ['Greek', 'Grek'], ['Cyrillic', 'Cyrl'], ['Armenian', 'Armn'], ['Hebrew', 'Hebr'], ['Arabic', 'Arab'],
  ['Syriac', 'Syrc'], ['Thaana', 'Thaa'], ['Nko', 'Nkoo'], ['Samaritan', 'Samr'], ['Mandaic', 'Mand'], ['Devanagari', 'Deva'],
  ['Bengali', 'Beng'], ['Gurmukhi', 'Guru'], ['Gujarati', 'Gujr'], ['Oriya', 'Orya'], ['Tamil', 'Taml'], ['Telugu', 'Telu'],
  ['Kannada', 'Knda'], ['Malayalam', 'Mlym'], ['Sinhala', 'Sinh'], ['Thai', 'Thai'], ['Lao', 'Laoo'], ['Tibetan', 'Tibt'],
  ['Myanmar', 'Mymr'], ['Georgian', 'Geor'], ['Hangul', 'Hang'], ['Ethiopic', 'Ethi'], ['Cherokee', 'Cher'],
  ['Canadian_Aboriginal', 'Cans'], ['Ogham', 'Ogam'], ['Runic', 'Runr'], ['Tagalog', 'Tglg'], ['Khmer', 'Khmr'],
  ['Mongolian', 'Mong'], ['Han', 'Hani'], ['Hiragana', 'Hira'], ['Katakana', 'Kana'], ['Bopomofo', 'Bopo'], ['Yi', 'Yiii'],
  ['Coptic', 'Copt'], ['Glagolitic', 'Glag'], ['Tifinagh', 'Tfng'], ['Javanese', 'Java'], ['Balinese', 'Bali'],
  ['Sundanese', 'Sund'], ['Vai', 'Vaii'], ['Bamum', 'Bamu'], ['Lisu', 'Lisu'], ['Ol_Chiki', 'Olck'], ['Adlam', 'Adlm'],
  ['Hanifi_Rohingya', 'Rohg'], ['Yezidi', 'Yezi'], ['Tai_Tham', 'Lana'], ['Tai_Viet', 'Tavt'], ['Cham', 'Cham'],
  ['Meetei_Mayek', 'Mtei'], ['Limbu', 'Limb'], ['Buginese', 'Bugi'], ['Batak', 'Batk'], ['Lepcha', 'Lepc'], ['Saurashtra', 'Saur'],
];
const RTL_SCRIPTS = new Set(['Hebr', 'Arab', 'Syrc', 'Thaa', 'Nkoo', 'Samr', 'Mand', 'Adlm', 'Rohg', 'Yezi']);
const SCRIPT_RES = SCRIPTS.map(([name, tag]) => [new RegExp(`^\\p{Script=${name}}$`, 'u'), tag] as const);
const INHERITED = /^[\p{Script=Inherited}\p{M}]$/u;
const OTHER_LETTER = /^[\p{L}\p{M}\p{Nl}]$/u;
const cache = new Map<number, string>();

/**
 * ISO 15924 tag of a code point: a real script tag, 'Zinh' (inherited: combining marks, ZWJ/ZWNJ, VS) or
 * 'Zyyy' (common: punctuation, digits, symbols, spaces). Letters of scripts not in the table get 'Zzzz'
 * (HarfBuzz then guesses; they count as L).
 */
export function scriptOf(cp: number): string {
  let s = cache.get(cp);
  if (s !== undefined) return s;
  const ch = String.fromCodePoint(cp);
  s = 'Zyyy';
  if (INHERITED.test(ch)) s = 'Zinh';
  else {
    for (const [re, tag] of SCRIPT_RES) if (re.test(ch)) { s = tag; break; }
    if (s === 'Zyyy' && OTHER_LETTER.test(ch)) s = 'Zzzz';
  }
  if (cache.size > 200_000) cache.clear();
  cache.set(cp, s);
  return s;
}

/** Whether a script tag is written right to left. */
export function isRtlScript(tag: string): boolean { return RTL_SCRIPTS.has(tag); }

type Cls = 'L' | 'R' | 'EN' | 'AN' | 'N' | 'NSM';
function bidiClass(cp: number, script: string): Cls {
  if (script === 'Zinh') return 'NSM';
  if (cp >= 0x30 && cp <= 0x39) return 'EN';
  if ((cp >= 0x660 && cp <= 0x669) || (cp >= 0x6f0 && cp <= 0x6f9)) return 'AN';
  if (script === 'Zyyy') return 'N';
  return RTL_SCRIPTS.has(script) ? 'R' : 'L';
}

/** Splits `text` into script/level segments in visual (left-to-right display) order. */
export function itemize(text: string, opts: { direction?: 'auto' | 'ltr' | 'rtl' } = {}): Segment[] {
  const cps: number[] = [], offs: number[] = [];
  for (let i = 0; i < text.length;) { const cp = text.codePointAt(i)!; cps.push(cp); offs.push(i); i += cp > 0xffff ? 2 : 1; }
  offs.push(text.length);
  const n = cps.length;
  if (n === 0) return [];
  const scripts = cps.map(scriptOf);
  const cls: Cls[] = cps.map((cp, i) => bidiClass(cp, scripts[i]));
  // W1: NSM takes the class of the previous character (sos = N at the start)
  for (let i = 0; i < n; i++) if (cls[i] === 'NSM') cls[i] = i > 0 ? cls[i - 1] : 'N';
  // paragraph level
  let para = 0;
  if (opts.direction === 'rtl') para = 1;
  else if (opts.direction !== 'ltr') { const f = cls.find((c) => c === 'L' || c === 'R'); para = f === 'R' ? 1 : 0; }
  // W2 + W7: numbers after R become AN; after L (or sos L) become L
  let lastStrong: 'L' | 'R' = para ? 'R' : 'L';
  for (let i = 0; i < n; i++) {
    const c = cls[i];
    if (c === 'L' || c === 'R') lastStrong = c;
    else if (c === 'EN') cls[i] = lastStrong === 'R' ? 'AN' : para ? 'EN' : 'L';
  }
  // N1/N2 on neutral runs; numbers count as R for the neighbours
  const dirOf = (c: Cls): 'L' | 'R' | null => (c === 'L' ? 'L' : c === 'R' || c === 'AN' || c === 'EN' ? 'R' : null);
  for (let i = 0; i < n;) {
    if (cls[i] !== 'N') { i++; continue; }
    let j = i; while (j < n && cls[j] === 'N') j++;
    const before = i > 0 ? dirOf(cls[i - 1]) : para ? 'R' : 'L';
    const after = j < n ? dirOf(cls[j]) : para ? 'R' : 'L';
    const d = before === after && before ? before : para ? 'R' : 'L';
    for (let k = i; k < j; k++) cls[k] = d;
    i = j;
  }
  // levels (I1/I2)
  const levels = cls.map((c) => {
    if (para === 0) return c === 'R' ? 1 : c === 'AN' || c === 'EN' ? 2 : 0;
    return c === 'L' || c === 'AN' || c === 'EN' ? 2 : 1;
  });
  // inherited characters follow their base's level
  for (let i = 1; i < n; i++) if (scripts[i] === 'Zinh') levels[i] = levels[i - 1];
  // script of common/inherited characters: the nearest real script at the same level (previous first, then
  // next); inherited ones always take their base's; common text with no same-level neighbour stays 'Zyyy'
  const eff = scripts.slice();
  const isReal = (t: string): boolean => t !== 'Zyyy' && t !== 'Zinh';
  for (let i = 1; i < n; i++) if (!isReal(eff[i]) && isReal(eff[i - 1]) && (levels[i - 1] === levels[i] || scripts[i] === 'Zinh')) eff[i] = eff[i - 1];
  for (let i = n - 2; i >= 0; i--) if (!isReal(eff[i]) && isReal(eff[i + 1]) && levels[i + 1] === levels[i]) eff[i] = eff[i + 1];
  for (let i = 0; i < n; i++) if (eff[i] === 'Zinh') eff[i] = 'Zyyy';
  // segments in logical order
  const segs: Segment[] = [];
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && levels[j] === levels[i] && eff[j] === eff[i]) j++;
    const start = offs[i], end = offs[j];
    segs.push({ text: text.slice(start, end), start, end, script: eff[i], level: levels[i], rtl: (levels[i] & 1) === 1 });
    i = j;
  }
  // L2 on segments
  const maxL = Math.max(...segs.map((s) => s.level));
  const minOdd = Math.min(...segs.map((s) => (s.level & 1 ? s.level : s.level + 1)));
  for (let lv = maxL; lv >= minOdd; lv--) {
    for (let i = 0; i < segs.length;) {
      if (segs[i].level < lv) { i++; continue; }
      let j = i; while (j < segs.length && segs[j].level >= lv) j++;
      const rev = segs.slice(i, j).reverse();
      segs.splice(i, j - i, ...rev);
      i = j;
    }
  }
  return segs;
}
