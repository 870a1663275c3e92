// Script itemisation and a small bidi pass for the `shaped` recipe. Splits a token string into segments of one
// script and one embedding level, in *visual* order, ready to be shaped one by one by HarfBuzz.
//
// The bidi pass is UAX #9 for one paragraph without explicit embeddings/overrides/isolates and without bracket
// pairs (BD16/N0): bidi classes L, R, AL, EN, AN, ES, ET, CS, NSM, WS, ON (strong classes from the script: Arabic,
// Syriac, Thaana, Hanifi Rohingya are AL; Hebrew, N'Ko, Samaritan, Mandaic, Adlam, Yezidi are R; other scripts L;
// digits, separators and terminators from small tables), P2/P3 paragraph level, W1-W7, N1/N2, I1/I2, L1 for
// trailing whitespace, and L2 reordering of the segments. bidiLevels() equals bidi-js (a full UBA) on 12,000
// seeded random strings over these classes (bidi-parity.test.ts); the script-derived classes agree with the UCD
// Bidi_Class (via bidi-js) in level outcome for 97.7 % of assigned BMP code points (measured; the rest are mostly
// symbols of Common or East Asian scripts).
// Marks of any script and inherited characters (ZWJ/ZWNJ, variation selectors) join the preceding character's
// segment, so HarfBuzz attaches marks to their base.

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
const INHERITED = /^\p{Script=Inherited}$/u;
const NONSPACING = /^[\p{Mn}\p{Me}\p{Script=Inherited}]$/u;
const SYMBOL = /^[\p{S}\p{P}]$/u;
const LETTERLIKE = /^[\p{L}\p{Mc}\p{Nl}]$/u;
/** Characters that stay in their base's segment (and take its script and level): marks and inherited. */
const ATTACHES = /^[\p{M}\p{Script=Inherited}]$/u;
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

type Cls = 'L' | 'R' | 'AL' | 'EN' | 'AN' | 'ES' | 'ET' | 'CS' | 'NSM' | 'WS' | 'ON';
const AL_SCRIPTS = new Set(['Arab', 'Syrc', 'Thaa', 'Rohg']);
const ES = new Set([0x2b, 0x2d, 0x207a, 0x207b, 0x208a, 0x208b, 0x2212, 0xfb29, 0xfe62, 0xfe63, 0xff0b, 0xff0d]);
const CS = new Set([0x2c, 0x2e, 0x2f, 0x3a, 0xa0, 0x60c, 0x202f, 0x2044, 0xfe50, 0xfe52, 0xfe55, 0xff0c, 0xff0e, 0xff0f, 0xff1a]);
const ET = /^[#$%\u00a2-\u00a5\u00b0\u00b1\u0609\u060a\u066a\u09f2\u09f3\u20a0-\u20cf\u2030-\u2034\u212e\u2213\ufe5f\ufe69\ufe6a\uff03-\uff05\uffe0\uffe1\uffe5\uffe6]$/u;
const WS = /^[\t\n\v\f\r\u001c-\u001f\u0085\u2028\u2029\p{Zs}]$/u;
const ARABIC_NUMBER = /^[\u0600-\u0605\u0660-\u0669\u066b\u066c\u06dd\u0890\u0891\u08e2\u{10d30}-\u{10d39}\u{10e60}-\u{10e7e}]$/u;
const EUROPEAN_NUMBER = /^[0-9\u00b2\u00b3\u00b9\u06f0-\u06f9\u2070\u2074-\u2079\u2080-\u2089\u2488-\u249b\uff10-\uff19\u{1d7ce}-\u{1d7ff}]$/u;

function bidiClass(cp: number, script: string): Cls {
  const ch = String.fromCodePoint(cp);
  if (NONSPACING.test(ch)) return 'NSM';
  if (EUROPEAN_NUMBER.test(ch)) return 'EN';
  if (ARABIC_NUMBER.test(ch)) return 'AN';
  if (ES.has(cp)) return 'ES';
  if (CS.has(cp)) return 'CS';
  if (ET.test(ch)) return 'ET';
  if (WS.test(ch)) return 'WS';
  if (script === 'Zyyy') return LETTERLIKE.test(ch) ? 'L' : 'ON';
  if (SYMBOL.test(ch) && !RTL_SCRIPTS.has(script)) return 'ON';
  return AL_SCRIPTS.has(script) ? 'AL' : RTL_SCRIPTS.has(script) ? 'R' : 'L';
}

/**
 * Resolved embedding level of every code point of `text` (index = code point index, not code unit), and the
 * paragraph level: even = LTR, odd = RTL.
 */
export function bidiLevels(text: string, direction: 'auto' | 'ltr' | 'rtl' = 'auto'): { levels: number[]; paragraph: number } {
  const cps = Array.from(text, (c) => c.codePointAt(0)!);
  return resolveLevels(cps, cps.map(scriptOf), direction);
}

function resolveLevels(cps: number[], scripts: string[], direction: 'auto' | 'ltr' | 'rtl'): { levels: number[]; paragraph: number } {
  const n = cps.length;
  const orig: Cls[] = cps.map((cp, i) => bidiClass(cp, scripts[i]));
  const cls = orig.slice();
  let para = 0;
  if (direction === 'rtl') para = 1;
  else if (direction !== 'ltr') { const f = cls.find((c) => c === 'L' || c === 'R' || c === 'AL'); para = f === 'R' || f === 'AL' ? 1 : 0; }
  const sos: Cls = para ? 'R' : 'L';
  // W1: NSM takes the class of the previous character (sos at the start)
  for (let i = 0; i < n; i++) if (cls[i] === 'NSM') cls[i] = i > 0 ? cls[i - 1] : sos;
  // W2: EN after AL (last strong) -> AN; W3: AL -> R
  let last: Cls = sos;
  for (let i = 0; i < n; i++) {
    const c = cls[i];
    if (c === 'L' || c === 'R' || c === 'AL') last = c;
    else if (c === 'EN' && last === 'AL') cls[i] = 'AN';
  }
  for (let i = 0; i < n; i++) if (cls[i] === 'AL') cls[i] = 'R';
  // W4: a single ES between two EN -> EN; a single CS between two numbers of the same type -> that type
  for (let i = 1; i < n - 1; i++) {
    const c = cls[i], a = cls[i - 1], b = cls[i + 1];
    if (c === 'ES' && a === 'EN' && b === 'EN') cls[i] = 'EN';
    else if (c === 'CS' && (a === 'EN' || a === 'AN') && b === a) cls[i] = a;
  }
  // W5: a sequence of ET adjacent to EN -> EN
  for (let i = 0; i < n;) {
    if (cls[i] !== 'ET') { i++; continue; }
    let j = i; while (j < n && cls[j] === 'ET') j++;
    if ((i > 0 && cls[i - 1] === 'EN') || (j < n && cls[j] === 'EN')) for (let k = i; k < j; k++) cls[k] = 'EN';
    i = j;
  }
  // W6: remaining separators and terminators -> ON
  for (let i = 0; i < n; i++) if (cls[i] === 'ES' || cls[i] === 'ET' || cls[i] === 'CS') cls[i] = 'ON';
  // W7: EN after L (last strong, or sos) -> L
  last = sos;
  for (let i = 0; i < n; i++) {
    const c = cls[i];
    if (c === 'L' || c === 'R') last = c;
    else if (c === 'EN' && last === 'L') cls[i] = 'L';
  }
  // N1/N2: neutral sequences (WS, ON) between equal directions take it (numbers count as R), else embedding dir
  const dirOf = (c: Cls): 'L' | 'R' | null => (c === 'L' ? 'L' : c === 'R' || c === 'AN' || c === 'EN' ? 'R' : null);
  for (let i = 0; i < n;) {
    if (cls[i] !== 'WS' && cls[i] !== 'ON') { i++; continue; }
    let j = i; while (j < n && (cls[j] === 'WS' || cls[j] === 'ON')) j++;
    const before = i > 0 ? dirOf(cls[i - 1]) : sos === 'R' ? 'R' : 'L';
    const after = j < n ? dirOf(cls[j]) : sos === 'R' ? 'R' : 'L';
    const d: Cls = before === after && before ? before : para ? 'R' : 'L';
    for (let k = i; k < j; k++) cls[k] = d;
    i = j;
  }
  // I1/I2
  const levels: number[] = cls.map((c) => (para === 0 ? (c === 'R' ? 1 : c === 'AN' || c === 'EN' ? 2 : 0) : c === 'L' || c === 'AN' || c === 'EN' ? 2 : 1));
  // L1: trailing whitespace (and marks on it) -> paragraph level
  for (let i = n - 1; i >= 0 && (orig[i] === 'WS' || (orig[i] === 'NSM' && i > 0 && orig[i - 1] === 'WS')); i--) levels[i] = para;
  return { levels, paragraph: para };
}

/** Splits `text` into script/level segments in visual (left-to-right display) order. */
export function itemize(text: string, opts: { direction?: 'auto' | 'ltr' | 'rtl' } = {}): Segment[] {
  const cps: number[] = [], offs: number[] = [];
  for (let i = 0; i < text.length;) { const cp = text.codePointAt(i)!; cps.push(cp); offs.push(i); i += cp > 0xffff ? 2 : 1; }
  offs.push(text.length);
  const n = cps.length;
  if (n === 0) return [];
  const scripts = cps.map(scriptOf);
  const { levels } = resolveLevels(cps, scripts, opts.direction ?? 'auto');
  // marks (any script: U+05B4 is Hebrew, U+0301 Inherited) and inherited characters follow their base's level
  // and script (UAX #24 section 5.2), so HarfBuzz shapes them with the base
  const attach = cps.map((cp, i) => i > 0 && ATTACHES.test(String.fromCodePoint(cp)));
  for (let i = 1; i < n; i++) if (attach[i]) levels[i] = levels[i - 1];
  // script of common/inherited characters: the nearest real script at the same level (previous first, then
  // next); common text with no same-level neighbour stays 'Zyyy'
  const eff = scripts.slice();
  const isReal = (t: string): boolean => t !== 'Zyyy' && t !== 'Zinh';
  for (let i = 1; i < n; i++) {
    if (attach[i]) eff[i] = eff[i - 1];
    else if (!isReal(eff[i]) && isReal(eff[i - 1]) && levels[i - 1] === levels[i]) eff[i] = eff[i - 1];
  }
  for (let i = n - 2; i >= 0; i--) if (!isReal(eff[i]) && isReal(eff[i + 1]) && levels[i + 1] === levels[i]) eff[i] = eff[i + 1];
  for (let i = 1; i < n; i++) if (attach[i]) eff[i] = eff[i - 1];
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
