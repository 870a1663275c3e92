// Which writing system a text is in: the dominant Unicode script of its letters (glyph-embeddings' scriptOf),
// with Japanese (kana + kanji) as one group. Used to group held-out text for perplexity per script.
import { scriptOf } from '@glyphlm/glyph-embeddings';

const NAMES: Record<string, string> = {
  Latn: 'Latin', Cyrl: 'Cyrillic', Grek: 'Greek', Arab: 'Arabic', Hebr: 'Hebrew', Deva: 'Devanagari', Beng: 'Bengali',
  Taml: 'Tamil', Thai: 'Thai', Geor: 'Georgian', Armn: 'Armenian', Ethi: 'Ethiopic', Hang: 'Hangul', Jpan: 'Japanese',
  Hani: 'Han', Zzzz: 'other',
};

/** A readable name for a script tag. */
export function scriptName(tag: string): string {
  return NAMES[tag] ?? tag;
}

/** The dominant script tag of `text` ('Jpan' when kana are >= 10 % of its letters). */
export function dominantScript(text: string): string {
  const counts = new Map<string, number>();
  let letters = 0;
  for (const ch of text) {
    const s = scriptOf(ch.codePointAt(0)!);
    if (s === 'Zyyy' || s === 'Zinh') continue;
    counts.set(s, (counts.get(s) ?? 0) + 1);
    letters++;
  }
  if (letters === 0) return 'Zyyy';
  const kana = (counts.get('Hira') ?? 0) + (counts.get('Kana') ?? 0);
  if (kana >= 0.1 * letters) return 'Jpan';
  let best = 'Zyyy', n = -1;
  for (const [s, c] of counts) if (c > n) { best = s; n = c; }
  return best;
}
