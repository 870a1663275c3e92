// A tiny byte-pair-encoding trainer used by tests to build third-party tokenizer.json files (GPT-2 byte-level style
// and SentencePiece/Metaspace style) from real text, so parity is checked on files we did not write by hand.
import { BYTE_TO_CHAR, GPT2_PATTERN, bytesToChars } from '../hf/byte-level.js';

/** Learns `numMerges` merges over the given words (each word = array of symbols). */
export function trainMerges(words: string[][], numMerges: number): Array<[string, string]> {
  const counts = new Map<string, number>();
  for (const w of words) { const k = w.join('\u0001'); counts.set(k, (counts.get(k) ?? 0) + 1); }
  let entries = [...counts].map(([k, c]) => ({ sym: k.split('\u0001'), c }));
  const merges: Array<[string, string]> = [];
  for (let m = 0; m < numMerges; m++) {
    const pairs = new Map<string, number>();
    for (const { sym, c } of entries) for (let i = 0; i + 1 < sym.length; i++) {
      const k = sym[i] + '\u0001' + sym[i + 1];
      pairs.set(k, (pairs.get(k) ?? 0) + c);
    }
    let best = '', bestC = 1;
    for (const [k, c] of pairs) if (c > bestC || (c === bestC && best !== '' && k < best)) { best = k; bestC = c; }
    if (!best) break;
    const [a, b] = best.split('\u0001');
    merges.push([a, b]);
    entries = entries.map(({ sym, c }) => {
      const out: string[] = [];
      for (let i = 0; i < sym.length; i++) {
        if (i + 1 < sym.length && sym[i] === a && sym[i + 1] === b) { out.push(a + b); i++; } else out.push(sym[i]);
      }
      return { sym: out, c };
    });
  }
  return merges;
}

/** A GPT-2 style byte-level BPE tokenizer.json trained on `text`. */
export function byteLevelTokenizerJson(text: string, numMerges: number): string {
  const words = (text.match(GPT2_PATTERN) ?? []).map((w) => Array.from(bytesToChars(w)));
  const merges = trainMerges(words, numMerges);
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => { vocab[c] = b; });
  for (const [a, b] of merges) vocab[a + b] ??= Object.keys(vocab).length;
  const eot = Object.keys(vocab).length;
  return JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: eot, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: merges.map(([a, b]) => `${a} ${b}`) },
  });
}

/** A SentencePiece-style (Metaspace, byte fallback) BPE tokenizer.json trained on `text`. */
export function metaspaceTokenizerJson(text: string, numMerges: number): string {
  const words = text.split(/ +/).filter(Boolean).map((w) => Array.from('\u2581' + w));
  const merges = trainMerges(words, numMerges);
  const vocab: Record<string, number> = { '<unk>': 0, '<s>': 1, '</s>': 2 };
  for (let b = 0; b < 256; b++) vocab[`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`] = 3 + b;
  const chars = new Set<string>();
  for (const w of words) for (const c of w) chars.add(c);
  for (const c of [...chars].sort()) if (chars.size < 400 || /[\p{Script=Latin}\p{Script=Cyrillic}\u2581]/u.test(c)) vocab[c] ??= Object.keys(vocab).length;
  const kept = merges.filter(([a, b]) => vocab[a] !== undefined && vocab[b] !== undefined);
  for (const [a, b] of kept) vocab[a + b] ??= Object.keys(vocab).length;
  return JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [0, 1, 2].map((id) => ({ id, content: ['<unk>', '<s>', '</s>'][id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false },
    post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [], special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } } },
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '\u2581' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab, merges: kept.map(([a, b]) => [a, b]) },
  });
}
