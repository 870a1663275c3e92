// Serializes a BPE vocabulary as a Hugging Face tokenizer.json (the layout `tokenizers` >= 0.20 writes).

export interface AddedTokenSpec { id: number; content: string; special: boolean }

export interface BpeJsonSpec {
  tokens: readonly string[];                       // id -> token string
  merges: ReadonlyArray<readonly [string, string]>;
  unkToken: string | null;
  addedTokens: readonly AddedTokenSpec[];
  normalizer?: unknown;
  preTokenizer?: unknown;
  postProcessor?: unknown;
  decoder?: unknown;
  byteFallback?: boolean;
  fuseUnk?: boolean;
}

export function bpeTokenizerJson(spec: BpeJsonSpec): string {
  const parts: string[] = [];
  parts.push('{"version":"1.0","truncation":null,"padding":null,"added_tokens":[');
  parts.push(spec.addedTokens.map((t) => JSON.stringify({
    id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false, normalized: !t.special, special: t.special,
  })).join(','));
  parts.push('],');
  parts.push(`"normalizer":${JSON.stringify(spec.normalizer ?? null)},`);
  parts.push(`"pre_tokenizer":${JSON.stringify(spec.preTokenizer ?? null)},`);
  parts.push(`"post_processor":${JSON.stringify(spec.postProcessor ?? null)},`);
  parts.push(`"decoder":${JSON.stringify(spec.decoder ?? null)},`);
  parts.push('"model":{"type":"BPE","dropout":null,');
  parts.push(`"unk_token":${JSON.stringify(spec.unkToken)},"continuing_subword_prefix":null,"end_of_word_suffix":null,`);
  parts.push(`"fuse_unk":${spec.fuseUnk ?? false},"byte_fallback":${spec.byteFallback ?? false},"ignore_merges":false,"vocab":{`);
  const vocab: string[] = new Array(spec.tokens.length);
  for (let id = 0; id < spec.tokens.length; id++) vocab[id] = `${JSON.stringify(spec.tokens[id])}:${id}`;
  parts.push(vocab.join(','));
  parts.push('},"merges":[');
  parts.push(spec.merges.map(([a, b]) => `[${JSON.stringify(a)},${JSON.stringify(b)}]`).join(','));
  parts.push(']}}');
  return parts.join('');
}
