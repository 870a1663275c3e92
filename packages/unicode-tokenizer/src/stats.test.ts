// tokenizerStats: exact values on small inputs, and chars/token on the UDHR in 32 languages compared with the
// author's published bvv241-2-3 column (different corpus: similar, not equal).
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { bvv241, tokenizerStats } from './index.js';
import { udhrTexts } from './testing/udhr.js';

const CSV = new URL('../../../../shared/data/bvv241/_tokenizer-benchmarking.csv', import.meta.url);
/** The author's 32 languages and their UDHR tags. */
const LANGS: Record<string, string> = {
  Arabic: 'ar', Armenian: 'hy', Azerbaijani: 'az-Latn', Bangla: 'bn', Chinese: 'zh', Czech: 'cs', Danish: 'da', Dutch: 'nl',
  English: 'en', Finnish: 'fi', French: 'fr', Georgian: 'ka', German: 'de-1996', Greek: 'el-monoton', Hebrew: 'he', Hindi: 'hi',
  Hungarian: 'hu', Indonesian: 'id', Italian: 'it', Japanese: 'ja', Korean: 'ko', Latin: 'la', Norwegian: 'nb', Persian: 'fa',
  Polish: 'pl', Portuguese: 'pt-PT', Russian: 'ru', Sanskrit: 'sa', Spanish: 'es', Swedish: 'sv', Turkish: 'tr', Vietnamese: 'vi',
};

describe('tokenizerStats', () => {
  const tok = bvv241('2-3');
  test('exact values', () => {
    const s = tokenizerStats(tok, ['hello the test', { name: 'emoji', text: '😀 emoji' }, '']);
    expect(s.texts[0]).toEqual({ name: 'text 0', characters: 14, bytes: 14, tokens: 8, unknown: 0, charsPerToken: 14 / 8, unkRate: 0, tokensPerByte: 8 / 14 });
    expect(s.texts[1]).toMatchObject({ name: 'emoji', characters: 7, bytes: 10, tokens: 5, unknown: 1, unkRate: 0.2 });
    expect(s.texts[2]).toMatchObject({ tokens: 0, charsPerToken: 0 });
    expect(s.overall).toMatchObject({ characters: 21, bytes: 24, tokens: 13, unknown: 1 });
    expect(s.meanCharsPerToken).toBeCloseTo((14 / 8 + 7 / 5) / 2, 12);
    expect(tokenizerStats(bvv241('2-3', { lossless: true }), ['😀']).overall.unknown).toBe(0);
  });

  const texts = udhrTexts(Object.values(LANGS));
  test('UDHR in the 32 languages of the author\'s benchmark', () => {
    expect(texts.length).toBe(32);
  });

  test.skipIf(!existsSync(CSV))('chars/token is close to the published bvv241-2-3 column (needs ../shared)', () => {
    const [header, ...lines] = readFileSync(CSV, 'utf8').trim().split('\n');
    const col = header.split(',').indexOf('bvv241-2-3');
    const published = new Map(lines.map((l) => { const c = l.split(','); return [c[0], Number(c[col])]; }));
    const byTag = new Map(texts.map((t) => [t.bcp47, t]));
    const stats = tokenizerStats(tok, Object.entries(LANGS).map(([name, tag]) => ({ name, text: byTag.get(tag)!.text })));
    const rows = stats.texts.map((r) => ({ lang: r.name, ours: +r.charsPerToken.toFixed(3), published: +published.get(r.name)!.toFixed(3), unk: +r.unkRate.toFixed(4) }));
    console.table(rows);
    const ratios = rows.map((r) => r.ours / r.published);
    // Different corpora (UDHR vs Wikipedia + Wikisource): every language within 25%, the mean within 5%.
    for (const [k, q] of ratios.entries()) expect(q, rows[k].lang).toBeGreaterThan(0.75), expect(q, rows[k].lang).toBeLessThan(1.25);
    const meanPublished = rows.reduce((a, r) => a + r.published, 0) / rows.length;
    expect(Math.abs(stats.meanCharsPerToken / meanPublished - 1)).toBeLessThan(0.05);
    expect(stats.overall.unkRate).toBeLessThan(0.001);
  });
});
