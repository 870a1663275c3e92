// Cross-implementation parity with @huggingface/tokenizers (tokenizers.js): our exported bvv241 tokenizer.json and
// third-party BPE files trained in the test must give identical ids in both libraries on thousands of strings.
import { describe, expect, test } from 'vitest';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { bvv241, fromHuggingFace } from '../index.js';
import { randomCodeUnits, randomText, rng } from '../testing/random-text.js';
import { udhrTexts } from '../testing/udhr.js';
import { byteLevelTokenizerJson, metaspaceTokenizerJson } from '../testing/bpe-trainer.js';

const hfIds = (tok: HfTokenizer, s: string, special = false) => tok.encode(s, { add_special_tokens: special }).ids;

describe.each(['2-3', 'max'] as const)('bvv241-%s exported tokenizer.json', (variant) => {
  const ours = bvv241(variant);
  const json = ours.toHuggingFaceJSON();
  const hf = new HfTokenizer(JSON.parse(json), {});
  const reloaded = fromHuggingFace(json);
  const vocabSample = Array.from({ length: 400 }, (_, k) => ours.tokenString(0xd800 + k * 17));

  test('is a BPE file with the reference settings', () => {
    const j = JSON.parse(json);
    expect(j.model.type).toBe('BPE');
    expect(j.pre_tokenizer).toBeNull();
    expect(j.normalizer).toBeNull();
    expect(j.decoder).toEqual({ type: 'Sequence', decoders: [] });
    expect(j.model.unk_token).toBe('<unk>');
    expect(j.model.merges).toHaveLength(variant === '2-3' ? 12224 : 182678);
    expect(Object.keys(j.model.vocab)).toHaveLength(ours.vocabSize);
    expect(j.added_tokens).toHaveLength(23);
  });

  test('identical ids on 3,000 varied strings (tokenizers.js and fromHuggingFace)', () => {
    const r = rng(variant === '2-3' ? 1 : 2);
    let mismatches = 0;
    for (let k = 0; k < 3000; k++) {
      const s = k % 5 === 4 ? randomCodeUnits(r, 40) : randomText(r, { vocab: vocabSample });
      const a = [...ours.encode(s)];
      const b = hfIds(hf, s);
      const c = [...reloaded.encode(s)];
      if (JSON.stringify(a) !== JSON.stringify(b) || JSON.stringify(a) !== JSON.stringify(c)) {
        mismatches++;
        if (mismatches <= 3) expect({ s, a, b, c }).toEqual({ s, a, b: a, c: a });
      }
    }
    expect(mismatches).toBe(0);
  });

  test('identical ids on real multilingual text', () => {
    for (const { text, name } of udhrTexts(['en', 'ru', 'zh', 'ar', 'hi', 'ko', 'ja', 'he', 'el', 'hy'])) {
      const t = text.slice(0, 4000);
      expect([...ours.encode(t)], name).toEqual(hfIds(hf, t));
    }
  });

  test('decode agrees', () => {
    const r = rng(7);
    for (let k = 0; k < 300; k++) {
      const ids = Array.from({ length: 1 + Math.floor(r() * 20) }, () => Math.floor(r() * ours.vocabSize));
      expect(ours.decode(ids)).toBe(hf.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false }));
      expect(reloaded.decode(ids)).toBe(ours.decode(ids));
    }
  });
});

describe('third-party tokenizer.json files', () => {
  const corpus = udhrTexts(['en', 'fr', 'de', 'ru', 'es']).map((u) => u.text).join('\n');
  const probes = (seed: number) => {
    const r = rng(seed);
    const lines = corpus.split('\n');
    return Array.from({ length: 2000 }, (_, k) =>
      k % 3 === 0 ? randomText(r, { loneSurrogates: false }) : lines[Math.floor(r() * lines.length)].slice(0, 200) + (k % 7 === 0 ? '<|endoftext|> 😀 \u00e9' : ''));
  };

  test('GPT-2 style byte-level BPE trained in the test', () => {
    const json = byteLevelTokenizerJson(corpus, 400);
    const hf = new HfTokenizer(JSON.parse(json), {});
    const ours = fromHuggingFace(json);
    expect(ours.specialTokens['<|endoftext|>']).toBe(256 + 400);
    for (const s of probes(11)) {
      expect([...ours.encode(s)], s).toEqual(hfIds(hf, s));
      expect(ours.decode(ours.encode(s))).toBe(s);
    }
    expect(ours.tokenString(ours.encode(' the')[0])).toBe('Ġthe');
  });

  test('SentencePiece-style BPE with Metaspace, byte fallback and a BOS template', () => {
    const json = metaspaceTokenizerJson(corpus, 300);
    const hf = new HfTokenizer(JSON.parse(json), {});
    const ours = fromHuggingFace(json);
    const withBos = fromHuggingFace(json, { addSpecialTokens: true });
    for (const s of probes(12)) {
      expect([...ours.encode(s)], s).toEqual(hfIds(hf, s));
      expect([...withBos.encode(s)], s).toEqual(hfIds(hf, s, true));
      const ids = ours.encode(s);
      expect(ours.decode(ids)).toBe(hf.decode([...ids], { skip_special_tokens: false, clean_up_tokenization_spaces: false }));
    }
  });
});
