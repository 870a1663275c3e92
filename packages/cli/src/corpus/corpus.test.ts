// The embedded default corpus: UDHR HTML -> paragraphs (exact), held-out text disjoint from the training documents,
// per-script grouping, tiny shakespeare's checksum, and the MMLU val instruction mix in the paper's format.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedCorpus, filesCorpus } from './corpus-plan.js';
import { mmluInstructionExamples } from './instructions.js';
import { dominantScript } from './scripts.js';
import { readShakespeare } from './shakespeare.js';
import { DEFAULT_UDHR_CODES, readDeclarations, udhrParagraphs } from './udhr.js';
import { chunkText, groupParagraphs } from './chunks.js';

describe('udhr', () => {
  it('extracts headings, paragraphs and list items with entities decoded', () => {
    const html = '<html><body><h1>Universal &amp; Declaration</h1><header><h2>Preamble</h2><p>Whereas <em>recognition</em>\n  of the&#32;dignity&#x2c; &lt;all&gt;</p></header><ol><li>One</li><li> </li></ol></body></html>';
    expect(udhrParagraphs(html)).toEqual(['Universal & Declaration', 'Preamble', 'Whereas recognition of the dignity, <all>', 'One']);
  });
  it('reads the 24 default declarations, each in its own script', () => {
    const ds = readDeclarations();
    expect(ds.map((d) => d.code)).toEqual([...DEFAULT_UDHR_CODES]);
    const byCode = new Map(ds.map((d) => [d.code, dominantScript(d.paragraphs.join(' '))]));
    expect(Object.fromEntries(['eng', 'rus', 'ell_monotonic', 'arb', 'heb', 'hin', 'tha', 'kat', 'hye', 'amh', 'kor', 'jpn', 'cmn_hans'].map((c) => [c, byCode.get(c)]))).toEqual({
      eng: 'Latn', rus: 'Cyrl', ell_monotonic: 'Grek', arb: 'Arab', heb: 'Hebr', hin: 'Deva', tha: 'Thai', kat: 'Geor', hye: 'Armn', amh: 'Ethi', kor: 'Hang', jpn: 'Jpan', cmn_hans: 'Hani',
    });
    for (const d of ds) expect(d.paragraphs.length).toBeGreaterThan(30);
    expect(() => readDeclarations(['nope'])).toThrow(/no declaration with code 'nope'/);
  });
});

describe('embedded corpus', () => {
  it('ships tiny shakespeare byte for byte', () => {
    const text = readShakespeare();
    expect(text.length).toBe(1_115_394);
    expect(createHash('sha256').update(text).digest('hex')).toBe('86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed');
  });
  it('holds out text that no training document contains, grouped by script', () => {
    const plan = embeddedCorpus();
    expect(plan.sources).toHaveLength(1 + DEFAULT_UDHR_CODES.length);
    const keys = plan.heldOut.map((g) => g.key);
    expect(keys[0]).toBe('Shakespeare');
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual(expect.arrayContaining(['Latn', 'Cyrl', 'Grek', 'Arab', 'Hebr', 'Deva', 'Beng', 'Taml', 'Thai', 'Geor', 'Armn', 'Ethi', 'Hang', 'Jpan', 'Hani']));
    const all = plan.documents.join('\n');
    for (const g of plan.heldOut) {
      const lines = g.text.split('\n').filter((l) => l.length > 40);
      expect(lines.length, g.key).toBeGreaterThan(0);
      for (const l of lines) expect(all.includes(l), `${g.key}: ${l.slice(0, 40)}`).toBe(false);
    }
    const sum = plan.sources.reduce((s, x) => s + x.documents, 0);
    expect(sum).toBe(plan.documents.length);
  });
  it('cuts the corpus the same way every time (same documents, same held-out text)', () => {
    const a = embeddedCorpus({ shakespeareChars: 50_000, udhrCodes: ['eng', 'jpn'] });
    const b = embeddedCorpus({ shakespeareChars: 50_000, udhrCodes: ['eng', 'jpn'] });
    expect(a).toEqual(b);
    expect(a.heldOut.map((g) => g.key)).toEqual(['Shakespeare', 'Latn', 'Jpan']);
  });
  it('makes a plan of user files with the tail of each held out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-corpus-'));
    const f = join(dir, 'a.txt');
    writeFileSync(f, Array.from({ length: 200 }, (_, i) => `Строка номер ${i} текста.`).join('\n'));
    const plan = filesCorpus([f], 0.1);
    expect(plan.heldOut).toHaveLength(1);
    expect(plan.heldOut[0].key).toBe('Cyrl');
    const first = plan.heldOut[0].text.split('\n')[0];
    expect(first).toMatch(/^Строка номер 18[01] текста\.$/);
    expect(plan.documents.join('\n').split('\n')).not.toContain(first);
    expect(plan.documents.join('\n').split('\n')).toContain('Строка номер 179 текста.');
  });
  it('groups paragraphs into documents without splitting one', () => {
    expect(groupParagraphs(['aaaa', 'bb', 'cccccc', 'd'], 6)).toEqual(['aaaa\nbb', 'cccccc', 'd']);
    expect(chunkText('x\n\ny\n\n\nz', 1)).toEqual(['x', 'y', 'z']);
  });
});

describe('instruction mix', () => {
  it("is the paper's zero-shot prompt with the gold letter as the response", () => {
    const [ex] = mmluInstructionExamples([{ subject: 's', index: 0, question: 'What is 2+2?', choices: ['1', '2', '3', '4'], answer: 3 }]);
    expect(ex).toEqual({ prompt: 'Question: What is 2+2?\nOptions: A) 1 B) 2 C) 3 D) 4\nAnswer:', response: ' D' });
  });
});
