// The compact vocabulary of an experiment, through @glyphlm/trainer's compactVocabulary: a tokenizer restricted to
// the ids the corpus uses (ids outside it encode to <unk>), the corpus re-coded into it, and the matching rows of
// any EmbeddingMatrix. A 65,536-row output head is most of a small model's FLOPs; tiny shakespeare + the UDHR use a
// few thousand ids.
import { compactVocabulary, type CorpusData } from '@glyphlm/trainer';
import type { EmbeddingMatrix } from '@glyphlm/glyph-embeddings';
import type { Tokenizer } from '@glyphlm/unicode-tokenizer';

export interface CompactResult {
  tokenizer: Tokenizer;
  data: CorpusData;
  /** Base ids kept: row i of the compact vocabulary is base id ids[i]. */
  ids: Uint32Array;
  selectRows(m: EmbeddingMatrix): EmbeddingMatrix;
  rule: string;
}

export function compactFor(tok: Tokenizer, data: CorpusData): CompactResult {
  const c = compactVocabulary(tok, data);
  const unk = tok.tokenString(c.fullIds[c.fallbackId]);
  return {
    tokenizer: c.tokenizer,
    data: c.compactCorpus(data),
    ids: c.fullIds,
    selectRows: (m) => c.selectRows(m),
    rule: `the ${c.size.toLocaleString('en-US')} ids that occur in the corpus (train + val); any other token encodes to ${unk}`,
  };
}

/** The compact tokenizer of a stored id list (the same fingerprint as when it was made). */
export function restoreCompact(base: Tokenizer, ids: readonly number[]): Tokenizer {
  return compactVocabulary(base, Uint32Array.from(ids)).tokenizer;
}
