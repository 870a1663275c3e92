// Files and globs as documents: deterministic order, BOM dropped, errors naming the file or pattern; and an
// async iterable of files straight into tokenizeCorpus.
import { describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bvv241 } from '@glyphlm/unicode-tokenizer';
import { tokenizeCorpus } from '../data/corpus.js';
import { expandGlobs, readTextFiles } from './data-files.js';

describe('text files and globs', () => {
  test('order, BOM, async iterable into tokenizeCorpus, errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glyphlm-files-'));
    try {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'b.txt'), 'second file');
      writeFileSync(join(dir, 'a.txt'), '\ufefffirst file');
      writeFileSync(join(dir, 'sub', 'c.txt'), 'third file');
      writeFileSync(join(dir, 'skip.md'), 'not text');
      expect((await expandGlobs(['**/*.txt', 'a.txt'], { cwd: dir })).map((f) => f.slice(dir.length + 1))).toEqual(['a.txt', 'b.txt', 'sub/c.txt']);
      const texts: string[] = [];
      for await (const t of readTextFiles('**/*.txt', { cwd: dir })) texts.push(t);
      expect(texts).toEqual(['first file', 'second file', 'third file']);
      const tok = bvv241('2-3');
      expect((await tokenizeCorpus(tok, readTextFiles('**/*.txt', { cwd: dir }), { valFraction: 0 })).meta.fingerprint)
        .toBe(tokenizeCorpus(tok, texts, { valFraction: 0 }).meta.fingerprint);
      writeFileSync(join(dir, 'bad.txt'), new Uint8Array([0xc3, 0x28]));
      await expect((async () => { for await (const _ of readTextFiles(join(dir, 'bad.txt'))) void _; })()).rejects.toThrow(/bad\.txt is not valid UTF-8/);
      await expect(expandGlobs([], { cwd: dir })).rejects.toThrow('expandGlobs: no files or patterns given');
      await expect(expandGlobs('sub', { cwd: dir })).rejects.toThrow(/sub is not a file/);
      await expect(expandGlobs('*.csv', { cwd: dir })).rejects.toThrow(/pattern \*\.csv matches no file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
