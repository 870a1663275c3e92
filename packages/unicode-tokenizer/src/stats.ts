// Tokenizer statistics: characters per token (the author's metric, reference-impl §5), <unk> rate and tokens per
// UTF-8 byte, per text and overall.
import type { Tokenizer } from './types.js';

export interface TextStats {
  name: string;
  characters: number;   // code points
  bytes: number;        // UTF-8 bytes
  tokens: number;
  unknown: number;      // ids equal to the tokenizer's <unk> (or [UNK]) id
  charsPerToken: number;
  unkRate: number;      // unknown / tokens
  tokensPerByte: number;
}

export interface TokenizerStats {
  tokenizer: string;
  texts: TextStats[];
  /** totals over all texts (pooled) */
  overall: TextStats;
  /** mean over texts of chars/token, as the author's benchmark computes it (texts with 0 tokens skipped) */
  meanCharsPerToken: number;
}

const encoder = new TextEncoder();

function countCodePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) { const d = s.charCodeAt(i + 1); if (d >= 0xdc00 && d < 0xe000) i++; }
    n++;
  }
  return n;
}

function unkId(tok: Tokenizer): number | undefined {
  return tok.specialTokens['<unk>'] ?? tok.specialTokens['[UNK]'] ?? tok.specialTokens['<|unk|>'];
}

/** Statistics of `tok` over `texts` (strings, or {name, text} records). */
export function tokenizerStats(tok: Tokenizer, texts: ReadonlyArray<string | { name: string; text: string }>): TokenizerStats {
  const unk = unkId(tok);
  const rows: TextStats[] = texts.map((t, k) => {
    const name = typeof t === 'string' ? `text ${k}` : t.name;
    const text = typeof t === 'string' ? t : t.text;
    const ids = tok.encode(text);
    let unknown = 0;
    if (unk !== undefined) for (const id of ids) if (id === unk) unknown++;
    return row(name, countCodePoints(text), encoder.encode(text).length, ids.length, unknown);
  });
  const sum = (f: (r: TextStats) => number) => rows.reduce((a, r) => a + f(r), 0);
  const overall = row('overall', sum((r) => r.characters), sum((r) => r.bytes), sum((r) => r.tokens), sum((r) => r.unknown));
  const counted = rows.filter((r) => r.tokens > 0);
  const meanCharsPerToken = counted.length ? counted.reduce((a, r) => a + r.charsPerToken, 0) / counted.length : 0;
  return { tokenizer: tok.name, texts: rows, overall, meanCharsPerToken };
}

function row(name: string, characters: number, bytes: number, tokens: number, unknown: number): TextStats {
  return {
    name, characters, bytes, tokens, unknown,
    charsPerToken: tokens ? characters / tokens : 0,
    unkRate: tokens ? unknown / tokens : 0,
    tokensPerByte: bytes ? tokens / bytes : 0,
  };
}
