// Data types shared by tokenizing, shards, sampling and the training loop.

/** What `tokenizeCorpus` returns: packed token streams (documents joined by a separator token). */
export interface CorpusData {
  train: Uint32Array;
  val: Uint32Array;
  vocabSize: number;
  /**
   * Optional loss masks (1 = the token is a prediction target, 0 = not: an SFT prompt token when prompt masking
   * is on). Same length as train / val. Absent = every token is a target.
   */
  trainMask?: Uint8Array;
  valMask?: Uint8Array;
  meta: CorpusMeta;
}

export interface CorpusMeta {
  tokenizer: string;
  tokenizerFingerprint: string;
  /** SHA-256 hex of the train and val ids (and masks): what a checkpoint records and resume checks. */
  fingerprint: string;
  /** Id that separates documents in the packed stream. */
  separatorId: number;
  documents: { train: number; val: number };
  /** Characters read, tokens produced. */
  chars: number;
  tokens: { train: number; val: number };
  /** How the split was made (tokenizeCorpus: 'documents' by seeded hash, or 'tail' = last valFraction of tokens). */
  split?: { mode: 'documents' | 'tail'; valFraction: number; seed: number };
  /**
   * The SFT mix. `tokens`/`ratio`: SFT tokens in the train split and their share of it (`valTokens`/`valRatio`:
   * the same for val); `examples`: examples read; `inserted`: examples placed per split (with repeats),
   * `distinct`: distinct ones; `mode`: 'repeat' when the train examples were too few for the ratio (they cycle in
   * fresh seeded orders), 'subsample' when a seeded subset sufficed. Examples are split train/val by a seeded
   * hash of their index like documents (all to train if that leaves train none).
   */
  sft?: {
    examples: number; tokens: number; ratio: number; maskPrompt: boolean;
    targetRatio?: number; template?: string; mode?: 'repeat' | 'subsample';
    inserted?: { train: number; val: number }; distinct?: { train: number; val: number };
    /** 'documents': examples between documents (when a split has at least as many documents as examples to place); 'tokens': at seeded token positions, behind a separator. */
    placement?: { train: 'documents' | 'tokens'; val: 'documents' | 'tokens' };
    valTokens?: number; valRatio?: number;
  };
  [key: string]: unknown;
}
