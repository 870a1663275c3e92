import { describe, expect, it } from 'vitest';
import { itemize, scriptOf } from './itemize.js';

const view = (t: string, o?: Parameters<typeof itemize>[1]) => itemize(t, o).map((s) => `${s.text}|${s.script}|${s.level}`);

describe('scriptOf', () => {
  it('classifies scripts, common and inherited characters', () => {
    expect(['A', 'Я', 'α', 'م', 'ש', '你', 'あ', 'ア', '한', 'क', 'ก', '1', ' ', '!', '\u0301', '\u200d', '😀', '\u{10400}']
      .map((c) => scriptOf(c.codePointAt(0)!)))
      .toEqual(['Latn', 'Cyrl', 'Grek', 'Arab', 'Hebr', 'Hani', 'Hira', 'Kana', 'Hang', 'Deva', 'Thai', 'Zyyy', 'Zyyy', 'Zyyy', 'Zinh', 'Zinh', 'Zyyy', 'Zzzz']);
  });
});

describe('itemize', () => {
  it('keeps a single-script token whole', () => {
    expect(view('Hello')).toEqual(['Hello|Latn|0']);
    expect(view('مرحبا')).toEqual(['مرحبا|Arab|1']);
    expect(view('')).toEqual([]);
  });
  it('splits the mixed string of ecosystem.md §4 by script and orders it visually', () => {
    expect(view('Hi Привет 你好 مرحبا 😀!')).toEqual([
      'Hi |Latn|0', 'Привет |Cyrl|0', '你好 |Hani|0', 'مرحبا|Arab|1', ' 😀!|Zyyy|0',
    ]);
  });
  it('reverses RTL runs and keeps embedded numbers LTR (W2, L2)', () => {
    // logical: Arabic word, space, digits, space, Arabic word -> one RTL paragraph, the number is an LTR island
    const segs = itemize('سلام 123 عليكم');
    expect(segs.map((s) => s.text)).toEqual([' عليكم', '123', 'سلام ']);
    expect(segs.map((s) => s.level)).toEqual([1, 2, 1]);
  });
  it('reorders two RTL words inside an LTR paragraph', () => {
    const segs = itemize('a שלום עולם b');
    expect(segs.map((s) => s.text)).toEqual(['a ', 'שלום עולם', ' b']);
    expect(segs.map((s) => s.rtl)).toEqual([false, true, false]);
    expect(itemize('x אב 12 גד').map((s) => s.text)).toEqual(['x ', ' גד', '12', 'אב ']);
  });
  it('attaches combining marks and ZWJ to their base segment', () => {
    expect(view('e\u0301x')).toEqual(['e\u0301x|Latn|0']);
    expect(view('Я\u0301a')).toEqual(['Я\u0301|Cyrl|0', 'a|Latn|0']);
    expect(view('ب\u064eت')).toEqual(['ب\u064eت|Arab|1']);
    expect(view('\u0301a')).toEqual(['\u0301a|Latn|0']);
    // marks of a specific script (Hebrew point hiriq, Devanagari vowel signs) stay with any base
    expect(view('u\u05b4')).toEqual(['u\u05b4|Latn|0']);
    expect(view('क\u093f\u0903')).toEqual(['क\u093f\u0903|Deva|0']);
    expect(view('ש\u05b4ל')).toEqual(['ש\u05b4ל|Hebr|1']);
  });
  it('honours a forced direction and covers every code unit exactly once', () => {
    expect(itemize('abc', { direction: 'rtl' }).map((s) => s.level)).toEqual([2]);
    for (const t of ['Hi Привет 你好 مرحبا 😀!', 'a\u0301ب1٢ c', '((a))', '١٢٣', 'x\uD800y']) {
      const segs = itemize(t);
      const covered = segs.map((s) => [s.start, s.end]).sort((a, b) => a[0] - b[0]);
      let pos = 0; for (const [s, e] of covered) { expect(s).toBe(pos); pos = e; }
      expect(pos).toBe(t.length);
      for (const s of segs) expect(t.slice(s.start, s.end)).toBe(s.text);
    }
  });
});
